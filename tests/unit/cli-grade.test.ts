/**
 * npm run grade -- <exercise> <file>: exit codes 0 pass / 1 fail / 2 bad input, the table, --json.
 * Runs the real CLI (tsx) as a child process on the lecun-tanh exercise (the cheapest one).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

async function grade(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['src/cli/grade.ts', ...args], { cwd: ROOT, maxBuffer: 20e6 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('grade CLI', () => {
  it('passes the reference solution: exit 0, a per-layer table, PASS and the backend', async () => {
    const { code, stdout } = await grade('lecun-tanh', 'exercises/lecun-tanh/solution.ts');
    expect(code).toBe(0);
    expect(stdout).toMatch(/backend: wasm/);
    expect(stdout).toMatch(/layer\s+name\s+fan_in\s+std\(W\)\s+Var\(y\)/);
    expect(stdout.match(/^\s+\d+\s+dense\d+\s/gm)).toHaveLength(30);
    expect(stdout).toMatch(/\nPASS: Passed\. Forward Var\(y\)/);
  });

  it('fails a wrong answer: exit 1 and the verdict naming the layer', async () => {
    const { code, stdout } = await grade('lecun-tanh', 'exercises/lecun-tanh/wrong/too-small.ts');
    expect(code).toBe(1);
    expect(stdout).toMatch(/\nFAIL: layer 1 \(dense1\): your weights' std is 0\.031\d, 50 % below the target 0\.0625 \(LeCun normal: √\(1\/fan_in\), with fan_in 256, fan_out 256\)\. As a result, layer 1 \(dense1\): Var\(y\) = 0\.2\d+, vanishing/);
  });

  it('--json prints the status, backend, one test per check and per-layer forward/backward variances', async () => {
    const { code, stdout } = await grade('lecun-tanh', 'exercises/lecun-tanh/wrong/he.ts', '--json', '--seed', '3');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.status).toBe('fail');
    expect(report.backend).toBe('wasm');
    expect(report.message).toMatch(/^layer 1 \(dense1\): your weights' std is 0\.08\d+, 4\d % above the target 0\.0625 .*As a result, layer \d+ \(dense\d+\): Var\(y\) = 0\.[4-7]\d*, too large: /);
    const [submission] = report.submissions;
    expect(submission.status).toBe('fail');
    expect(submission.tests.find((t: { name: string }) => t.name === 'weights')).toMatchObject({ status: 'fail', layer: 1 });
    const layers = submission.networks[0].layers;
    expect(layers).toHaveLength(30);
    expect(submission.networks[0].seed).toBe(3);
    for (const layer of layers) {
      expect(layer.forwardVar).toBeGreaterThan(0);
      expect(layer.backwardVar).toBeGreaterThan(0);
    }
  });

  it('bad input exits 2 with a message: usage, unknown exercise, missing file, syntax error', async () => {
    const usage = await grade('lecun-tanh');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run grade -- <exercise-id> <file.ts \| folder>/);
    const unknown = await grade('no-such', 'x.ts');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown exercise "no-such"; known: .*lecun-tanh/);
    const missing = await grade('lecun-tanh', 'nope.ts');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read nope.ts: ENOENT/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'initlab-cli-'));
    const broken = path.join(dir, 'broken.ts');
    await writeFile(broken, 'export default function init(layer) {\n  return [1, 2;\n}\n');
    const syntax = await grade('lecun-tanh', broken);
    expect(syntax.code).toBe(2);
    expect(syntax.stdout).toMatch(/FAIL: .*broken\.ts:2:15: ',' expected/);
  });

  it('a file with a type error only (valid JavaScript) does not run, as in the editor: exit 2, file:line:col', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'initlab-cli-'));
    const typed = path.join(dir, 'typed.ts');
    // Runs fine as JavaScript (the std is right), but `fanIn` is a number: the editor blocks Run on this.
    await writeFile(typed, [
      'export default function init(layer: LayerInfo, { random }: InitTools): Weights {',
      '  const fans: string = layer.fanIn;',
      '  return random.normal(layer.shape, 0, Math.sqrt(1 / Number(fans)));',
      '}',
      '',
    ].join('\n'));
    const result = await grade('lecun-tanh', typed);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/FAIL: .*typed\.ts:2:9: Type 'number' is not assignable to type 'string'\./);
  });
});

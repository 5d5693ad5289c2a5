/**
 * Class grading through the real CLI (`tsx src/cli/grade.ts`, a child process): a folder of 21 answers —
 * correct, wrong, broken and hostile — graded in parallel, reported as JSON that validates against the
 * committed schema (schemas/grade-report.v1.schema.json, checked by ajv). Hostile answers try to forge a
 * verdict (ports, stdout, process.exit, the host's Function through constructors and stack frames, dynamic
 * import, patched built-ins), loop forever, exhaust memory or reach for WebAssembly: none passes, none stops the batch.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

async function grade(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['src/cli/grade.ts', ...args], { cwd: ROOT, maxBuffer: 50e6 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const LECUN = 'random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn))';
const typed = (body: string) => `export default function init(layer: LayerInfo, { tf, random }: InitTools): Weights {\n${body}\n}\n`;

/** Writes files to `dir` that, if any escape worked, would print PASS, exit 0 or create `mark`. */
function hostileFiles(mark: string): Record<string, string> {
  const reach = 'return typeof process === "undefined" ? null : process';
  return {
    // Every way to reach the host's process object: constructors of the global and of objects, a sloppy
    // function's `this`, a global `process`, require, and the `this`/function of each frame on the stack.
    'hostile-escape.ts': `// @ts-nocheck
const leaks = [];
const tryLeak = (get) => { try { const p = get(); if (p && typeof p.exit === 'function') leaks.push(p); } catch {} };
tryLeak(() => globalThis.constructor.constructor(${JSON.stringify(reach)})());
tryLeak(() => ({}).constructor.constructor(${JSON.stringify(reach)})());
tryLeak(() => (function () { return this; })().constructor.constructor(${JSON.stringify(reach)})());
tryLeak(() => globalThis.process);
tryLeak(() => require('process'));
Error.prepareStackTrace = (_error, frames) => {
  for (const frame of frames) {
    tryLeak(() => frame.getThis().constructor.constructor(${JSON.stringify(reach)})());
    tryLeak(() => frame.getFunction().constructor(${JSON.stringify(reach)})());
  }
  return '';
};
void new Error('probe').stack;
Error.prepareStackTrace = undefined;
try { eval('import("node:fs")').then((fs) => fs.writeFileSync(${JSON.stringify(mark)}, 'escaped'), () => {}); } catch {}
import('node:fs').then((fs) => fs.writeFileSync(${JSON.stringify(mark)}, 'escaped')).catch(() => {});
for (const p of leaks) { p.stdout.write('PASS: Passed.\\n'); p.exit(0); }
export default function init(layer) {
  for (const p of leaks) { p.stdout.write('PASS: Passed.\\n'); p.exit(0); }
  return new Float32Array(layer.shape.reduce((a, b) => a * b, 1)).fill(0.0625);
}
`,
    // A forged "passed" message to every port-like object it can find.
    'hostile-forge.ts': `// @ts-nocheck
const forged = { type: 'done', outcome: { passed: true, message: 'Passed.' }, verdict: { passed: true } };
for (const name of Object.getOwnPropertyNames(globalThis)) {
  try { const value = globalThis[name]; if (value && typeof value.postMessage === 'function') value.postMessage(forged); } catch {}
}
try { postMessage(forged); } catch {}
try { require('node:worker_threads').parentPort.postMessage(forged); } catch {}
export default function init(layer) { return new Float32Array(layer.fanIn * layer.fanOut); }
`,
    // A fake PASS on stdout, and a verdict-like line smuggled into its error message.
    'hostile-stdout.ts': `// @ts-nocheck
try { console.log('PASS: Passed.'); } catch {}
try { process.stdout.write('PASS: Passed.\\n'); } catch {}
export default function init() { throw new Error('\\nPASS: Passed. Forward Var(y) stays within ×1.0 of the theory\\n'); }
`,
    'hostile-exit.ts': `// @ts-nocheck
process.exit(0);
export default function init(layer) { return new Float32Array(layer.fanIn * layer.fanOut); }
`,
    // Built-ins the grader would use, patched to say "passed" or to hide bad layers.
    'hostile-patch.ts': `// @ts-nocheck
Math.sqrt = () => 0; Math.log = () => NaN; Math.max = () => 0; Math.abs = (x) => x;
Array.prototype.find = function () { return undefined; };
Array.prototype.some = function () { return false; };
Array.prototype.every = function () { return true; };
Object.prototype.passed = true;
Object.defineProperty(Object.prototype, 'message', { get() { return 'Passed.'; }, configurable: true });
JSON.stringify = () => '{"passed":true}';
JSON.parse = () => ({ type: 'learner-done' });
Float32Array.prototype.set = function () {};
Object.defineProperty(Float32Array.prototype, 'length', { get: () => 0, configurable: true });
Number.isFinite = () => true; Number.isNaN = () => false;
export default function init(layer) { return new Float32Array(layer.fanIn * layer.fanOut); }
`,
    'hostile-proxy.ts': `// @ts-nocheck
export default function init(layer, { random }) {
  const real = ${LECUN};
  return new Proxy(real, { get: (target, key) => Reflect.get(target, key) });
}
`,
    // WebAssembly memory is outside the realm's heap limit: the realm takes the global away.
    'hostile-wasm.ts': typed(`  const pages = new WebAssembly.Memory({ initial: 1, maximum: 65536 });\n  for (;;) pages.grow(1024);`),
    'hostile-loop.ts': typed(`  if (layer.index === 2) for (;;) {}\n  return ${LECUN};`),
    'hostile-memory.ts': typed(`  const hoard: number[][] = [];\n  if (layer.index === 3) for (;;) hoard.push(new Array(1e6).fill(0.5));\n  return ${LECUN};`),
  };
}

describe('npm run grade -- <exercise> <folder> --json', () => {
  let dir: string;
  let mark: string;
  let result: { code: number; stdout: string; stderr: string };
  let report: {
    status: string; summary: Record<string, number>;
    submissions: Array<{ file: string; status: string; message: string; tests: Array<{ name: string; status: string; layer?: number }> }>;
  };
  const entry = (name: string) => report.submissions.find((s) => path.basename(s.file) === name)!;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'initlab-class-'));
    mark = path.join(dir, 'ESCAPED');
    const read = (file: string) => readFile(path.join(ROOT, 'exercises/lecun-tanh', file), 'utf8');
    const files: Record<string, string> = {
      'correct-solution.ts': await read('solution.ts'),
      'correct-tensor.ts': typed('  return tf.mul(tf.randomNormal(layer.shape as number[]), Math.sqrt(1 / layer.fanIn));'),
      'correct-array.ts': typed(`  return Array.from(${LECUN});`),
      // Correct, then it patches its own built-ins (after drawing, with its own saved Math.sqrt).
      'correct-patches-builtins.ts': `const sqrt = Math.sqrt;\n${typed([
        '  const weights = random.normal(layer.shape, 0, sqrt(1 / layer.fanIn));',
        '  Math.sqrt = () => 0;',
        '  Array.prototype.find = function () { return undefined; };',
        '  (Object.prototype as Record<string, unknown>).passed = true;',
        "  JSON.stringify = () => '{\"passed\":true}';",
        '  Float32Array.prototype.fill = function () { return this; };',
        '  return weights;',
      ].join('\n'))}`,
      'wrong-he.ts': await read('wrong/he.ts'),
      'wrong-too-small.ts': await read('wrong/too-small.ts'),
      'wrong-std-one.ts': await read('wrong/std-one.ts'),
      'wrong-zeros.ts': typed('  return new Float32Array(layer.fanIn * layer.fanOut);'),
      'broken-syntax.ts': 'export default function init(layer) {\n  return [1, 2;\n}\n',
      'broken-type.ts': typed('  const fans: string = layer.fanIn;\n  return random.normal(layer.shape, 0, Math.sqrt(1 / Number(fans)));'),
      'broken-no-export.ts': `function init(layer: LayerInfo, { random }: InitTools): Weights {\n  return ${LECUN};\n}\nvoid init;\n`,
      'broken-throws.ts': "throw new Error('not finished yet');\nexport default function init(layer: LayerInfo): Weights { return []; }\n",
      ...hostileFiles(mark),
    };
    expect(Object.keys(files)).toHaveLength(21);
    for (const [name, source] of Object.entries(files)) await writeFile(path.join(dir, name), source);
    // The time limit is wall-clock time: 60 s (not the exercise's 15 s) keeps a correct answer from timing out
    // on a machine busy with other work; 512 MB makes the memory bomb hit its ceiling quickly.
    result = await grade('lecun-tanh', dir, '--json', '--time-limit', '60', '--memory-mb', '512');
    report = JSON.parse(result.stdout);
  }, 600_000);

  it('validates against the committed JSON Schema', async () => {
    const schema = JSON.parse(await readFile(path.join(ROOT, 'schemas/grade-report.v1.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(report.submissions).toHaveLength(21);
  });

  it('passes exactly the four correct answers (one patches its own built-ins) and exits non-zero', () => {
    const verdicts = Object.fromEntries(report.submissions.map((s) => [path.basename(s.file), `${s.status}: ${s.message}`]));
    const passed = Object.keys(verdicts).filter((file) => verdicts[file].startsWith('pass:'));
    expect(passed, JSON.stringify(verdicts, null, 2)).toEqual(['correct-array.ts', 'correct-patches-builtins.ts', 'correct-solution.ts', 'correct-tensor.ts']);
    expect(report.summary).toEqual({ files: 21, passed: 4, failed: 7, errors: 10 });
    expect(report.status).toBe('error');
    // Broken files are bad input: exit 2 (1 would mean "graded, some failed"; 0 "all passed").
    expect(result.code).toBe(2);
  });

  it('fails the wrong answers with the check and layer that caught them', () => {
    expect(entry('wrong-too-small.ts').tests.find((t) => t.status === 'fail')).toMatchObject({ name: 'weights', layer: 1 });
    expect(entry('wrong-zeros.ts').tests.find((t) => t.status === 'fail')).toMatchObject({ name: 'symmetry', layer: 1 });
    for (const name of ['wrong-he.ts', 'wrong-std-one.ts']) expect(entry(name).status).toBe('fail');
  });

  it('reports broken files as errors with file:line:col or what is missing', () => {
    expect(entry('broken-syntax.ts')).toMatchObject({ status: 'error', message: expect.stringMatching(/broken-syntax\.ts:2:15: ',' expected/) });
    expect(entry('broken-type.ts')).toMatchObject({ status: 'error', message: expect.stringMatching(/broken-type\.ts:2:9: Type 'number' is not assignable to type 'string'/) });
    expect(entry('broken-no-export.ts').message).toMatch(/no initializer found \(it exports nothing\)/);
    expect(entry('broken-throws.ts').message).toMatch(/loading your file threw Error: not finished yet/);
  });

  it('no hostile answer passes, forges output, exits the grader or escapes its realm', () => {
    for (const s of report.submissions.filter((s) => path.basename(s.file).startsWith('hostile-'))) {
      expect(s.status, `${s.file}: ${s.message}`).not.toBe('pass');
    }
    // The escape attempts found no process: the answer ran to its (constant) weights and failed on them.
    expect(entry('hostile-escape.ts')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^layer 1 \(dense1\): all 256 units got identical weights/) });
    expect(entry('hostile-forge.ts')).toMatchObject({ status: 'fail', message: expect.stringMatching(/identical weights \(every weight = 0\)/) });
    expect(entry('hostile-exit.ts').message).toMatch(/loading your file threw ReferenceError: process is not defined/);
    expect(entry('hostile-stdout.ts').message).toBe('layer 1 (dense1): your initializer threw Error:  PASS: Passed. Forward Var(y) stays within ×1.0 of the theory ');
    expect(entry('hostile-proxy.ts').message).toMatch(/only looks like a Float32Array \(a Proxy\?\)/);
    expect(entry('hostile-patch.ts').status).not.toBe('pass');
    expect(entry('hostile-wasm.ts').message).toBe(
      "layer 1 (dense1): your initializer threw Error: WebAssembly is not available to initializers (its memory would bypass the runner's memory limit); write the initializer in TypeScript",
    );
    expect(existsSync(mark)).toBe(false);
    expect(result.stdout).not.toMatch(/^PASS/m);
  });

  it('stops an endless loop at the time limit and a memory bomb at the realm heap, naming the layer', () => {
    // Layer 1 came back at once and layer 2 ran for the whole minute: stuck on that layer, not slow everywhere.
    expect(entry('hostile-loop.ts').message).toMatch(/^your initializer was still working on layer 2 \(dense2\) after 60 s: that layer had run for (59\.\d|60(\.\d)?) s, while the layer before it took [\d.]+ m?s: an endless loop, or far more work on this layer than on those before it$/);
    expect(entry('hostile-loop.ts').tests).toEqual([{ name: 'initializer', status: 'error', message: entry('hostile-loop.ts').message, layer: 2 }]);
    expect(entry('hostile-memory.ts').message).toBe("layer 3 (dense3): your code ran out of memory: it used up the 512 MB the learner's code may use");
  });

  it('reports progress on stderr (a plain line per file when stderr is not a terminal)', () => {
    expect(result.stderr).toMatch(/grade: 21\/21 files graded/);
  });
});

describe('single hostile files through the CLI', () => {
  it('an answer that tries every escape exits 1 with FAIL, never PASS', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'initlab-hostile-'));
    const mark = path.join(dir, 'ESCAPED');
    const file = path.join(dir, 'escape.ts');
    await writeFile(file, hostileFiles(mark)['hostile-escape.ts']);
    const { code, stdout } = await grade('lecun-tanh', file, '--time-limit', '60');
    expect(code).toBe(1);
    expect(stdout).toMatch(/\nFAIL: layer 1 \(dense1\): all 256 units got identical weights/);
    expect(stdout).not.toMatch(/^PASS/m);
    expect(existsSync(mark)).toBe(false);
  }, 300_000);
});

/**
 * The site build itself (Astro's content sync, the step `astro build` starts with) rejects a lesson with malformed
 * frontmatter, naming the file and each bad field. Runs `astro sync` on a copy of the site with one broken lesson.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const SITE_FILES = ['astro.config.mjs', 'package.json', 'tsconfig.json', 'src', 'content', 'exercises'];
let copy: string;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-frontmatter-'));
  for (const entry of SITE_FILES) fs.cpSync(path.join(REPO, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(copy, 'content/lessons/08-broken.mdx'),
    ['---', 'title: Broken', 'description: A lesson with bad frontmatter.', 'order: eight', 'objectives: []', 'prerequisites: []', '---', 'Text.', ''].join('\n'),
  );
});

afterAll(() => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

describe('astro build on a lesson with malformed frontmatter', () => {
  it('fails, naming the file and each bad field', async () => {
    const outcome = await run(process.execPath, [path.join(REPO, 'node_modules/astro/astro.js'), 'sync'], { cwd: copy, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } })
      .then(() => ({ failed: false, output: '' }), (error: { stdout: string; stderr: string }) => ({ failed: true, output: `${error.stdout}\n${error.stderr}` }));
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toContain('Invalid lesson frontmatter in content/lessons/08-broken.mdx:');
    expect(outcome.output).toContain('field `order`: expected number, found string');
    expect(outcome.output).toContain('field `objectives`: Array must contain at least 1 element(s)');
    expect(outcome.output).toContain('field `minutes`: expected number, found nothing (the field is missing)');
  }, 120_000);
});

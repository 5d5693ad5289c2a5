// @ts-check
/**
 * npm run build: `astro build` into dist.next/, then dist.next/ replaces dist/. Astro empties its output
 * folder before it builds, so building into dist/ directly leaves it empty when the build fails (a
 * formula KaTeX cannot parse, a malformed exercise.json); this way the last good site stays in dist/.
 * Extra arguments go to `astro build`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const next = path.join(root, 'dist.next');
const out = path.join(root, 'dist');
const astro = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'astro.cmd' : 'astro');

const result = spawnSync(astro, ['build', '--outDir', next, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  fs.rmSync(next, { recursive: true, force: true });
  console.error(`\nbuild failed: ${fs.existsSync(path.join(out, 'index.html')) ? 'dist/ still holds the previous build' : 'there is no previous build in dist/'}.`);
  process.exit(result.status ?? 1);
}
fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(next, out);
console.log('build: the site is in dist/');

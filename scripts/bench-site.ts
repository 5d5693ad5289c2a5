/**
 * npm run bench:site — bytes each page of the built site makes a reader download: the landing page and
 * every lesson. Each page is loaded in headless Chromium (tests/e2e/harness.ts) and scrolled through so
 * every `client:visible` island hydrates; every response is then counted by kind, with its size as
 * built in dist/ (uncompressed) and gzipped (what a typical server sends). On a page with exercises, the
 * editor loads only when the learner clicks the starter code: the page is measured before that, and again
 * after clicking every exercise's code and waiting for the editors ("+ editor" rows).
 *
 * Usage: npm run build && npm run bench:site   (SITE_OUT_DIR=<dir> to measure another build)
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser, openPage, serveSite } from '../tests/e2e/harness';

type Kind = 'html' | 'css' | 'js' | 'font' | 'other';
const KINDS: Kind[] = ['html', 'css', 'js', 'font', 'other'];

function kindOf(pathname: string): Kind {
  if (pathname.endsWith('/') || pathname.endsWith('.html')) return 'html';
  if (pathname.endsWith('.css')) return 'css';
  if (/\.(m?js)$/.test(pathname)) return 'js';
  if (/\.(woff2?|ttf|otf)$/.test(pathname)) return 'font';
  return 'other';
}

function fileFor(outDir: string, pathname: string): string {
  const decoded = decodeURIComponent(pathname);
  return path.join(outDir, decoded.endsWith('/') ? `${decoded}index.html` : decoded);
}

function pagesOf(outDir: string): string[] {
  const lessonsDir = path.join(outDir, 'lessons');
  const lessons = fs.existsSync(lessonsDir)
    ? fs.readdirSync(lessonsDir).filter((d) => fs.existsSync(path.join(lessonsDir, d, 'index.html'))).sort().map((d) => `/lessons/${d}/`)
    : [];
  return ['/', ...lessons];
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

async function main() {
  const site = await serveSite();
  const browser = await launchBrowser();
  const rows: { page: string; bytes: Record<Kind, number>; gzip: number; files: number }[] = [];
  const measure = (label: string, paths: Iterable<string>) => {
    const bytes: Record<Kind, number> = { html: 0, css: 0, js: 0, font: 0, other: 0 };
    let gzip = 0, files = 0;
    for (const pathname of paths) {
      files++;
      const file = fileFor(site.outDir, pathname);
      if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) continue;
      const content = fs.readFileSync(file);
      bytes[kindOf(pathname)] += content.length;
      gzip += /\.(woff2?|png|jpe?g|webp|wasm)$/.test(pathname) ? content.length : zlib.gzipSync(content).length;
    }
    rows.push({ page: label, bytes, gzip, files });
  };
  try {
    for (const pagePath of pagesOf(site.outDir)) {
      const { page, close } = await openPage(browser, { width: 1280, height: 900 });
      const seen = new Set<string>();
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (url.origin === site.url) seen.add(url.pathname);
      });
      await page.goto(`${site.url}${pagePath}`, { waitUntil: 'networkidle' });
      await page.evaluate(async () => {
        for (let y = 0; y < document.documentElement.scrollHeight; y += 600) {
          window.scrollTo(0, y);
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      measure(pagePath, [...seen]);
      const exercises = await page.locator('.exercise-island').count();
      if (exercises > 0) {
        await page.evaluate(() => {
          for (const code of document.querySelectorAll('pre.exercise-static-code')) code.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
        });
        await page.waitForFunction(
          () => [...document.querySelectorAll('.exercise-island')].every((island) => /^(ready|failed)$/.test(island.getAttribute('data-editor-state') ?? '')),
          undefined, { timeout: 180_000 },
        );
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(500);
        measure(`${pagePath} + editor`, [...seen]);
      }
      await close();
    }
  } finally {
    await browser.close();
    await site.close();
  }

  const header = ['page', ...KINDS.map((k) => `${k} kB`), 'total kB', 'gzip kB', 'files'];
  const body = rows.map((r) => {
    const total = KINDS.reduce((s, k) => s + r.bytes[k], 0);
    return [r.page, ...KINDS.map((k) => kb(r.bytes[k])), kb(total), kb(r.gzip), String(r.files)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(`Per-page download of the built site (${site.outDir}), after scrolling so every island hydrates.`);
  console.log('Sizes as built (uncompressed); gzip = what a gzip-compressing server would send (fonts as is).\n');
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
  for (const row of body) console.log(line(row));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

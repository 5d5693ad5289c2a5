/**
 * The course site in a real browser: every lesson loads cleanly with its math rendered, navigation
 * (sidebar, prev/next, landing page) walks the course, Pagefind search works, every widget responds to
 * its slider, and the headers allow cross-origin isolation. Writes a screenshot of each page (light and
 * dark, 1280 and 390 px wide) to test-output/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { COURSE_PARTS, LESSON_COUNT } from '../../src/site/course-parts.mjs';
import { REPO_ROOT, launchBrowser, openPage, serveSite, type ServedSite } from './harness';

const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'screenshots');
const EXPECTED_WIDGETS = ['ChainWidget', 'SumVarianceWidget', 'SaturationWidget', 'DeepNetWidget', 'AlexNetVarianceWidget', 'AlexNetTable', 'TrainingWidget'];

let site: ServedSite;
let browser: Browser;
/** Lesson paths as the built sidebar lists them, e.g. /lessons/01-explode-vanish/. */
let lessons: { href: string; label: string; group: string }[] = [];

/** Scrolls to the bottom and back so that every client:visible island hydrates. */
async function scrollThrough(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const step = Math.max(200, window.innerHeight * 0.8);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    window.scrollTo(0, 0);
  });
}

/** Waits until every widget on the page has its chart drawn (a canvas), i.e. hydrated. */
async function waitForWidgets(page: Page): Promise<number> {
  const count = await page.locator('.widget').count();
  for (let i = 0; i < count; i++) {
    const widget = page.locator('.widget').nth(i);
    await widget.scrollIntoViewIfNeeded();
    await widget.locator('canvas').first().waitFor({ state: 'attached', timeout: 30_000 });
  }
  return count;
}

beforeAll(async () => {
  site = await serveSite();
  browser = await launchBrowser();
  const { page, close } = await openPage(browser);
  // The landing page (splash) has no sidebar: read it on the page its start button leads to.
  await page.goto(`${site.url}/`);
  const start = await page.getByRole('link', { name: 'Start lesson 1' }).getAttribute('href');
  await page.goto(new URL(start!, site.url).href);
  lessons = await page.$$eval('nav.sidebar a[href*="/lessons/"]', (links) =>
    links.map((a) => ({
      href: new URL((a as HTMLAnchorElement).href).pathname,
      // The link's own label (the progress script appends a status badge to the link).
      label: (a.querySelector('span') ?? a).textContent?.trim() ?? '',
      group: a.closest('details')?.querySelector('summary')?.textContent?.trim() ?? '',
    })),
  );
  await close();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('course structure', () => {
  test(`the sidebar lists all ${LESSON_COUNT} lessons, grouped by part, in course order`, () => {
    const expected = COURSE_PARTS.flatMap((part) => part.lessons.map((name) => ({ href: `/lessons/${name}/`, group: part.label })));
    expect(lessons.map(({ href, group }) => ({ href, group }))).toEqual(expected);
  });
});

describe('every lesson', () => {
  test('loads with no console errors, renders its math and shows its objectives', async () => {
    expect(lessons.length).toBeGreaterThan(0);
    for (const lesson of lessons) {
      const tracked = await openPage(browser);
      const { page } = tracked;
      await page.goto(`${site.url}${lesson.href}`, { waitUntil: 'networkidle' });
      await scrollThrough(page);
      await waitForWidgets(page);
      await page.waitForLoadState('networkidle');
      const content = page.locator('.sl-markdown-content').first();
      const text = await content.innerText();
      expect.soft(text, `${lesson.href}: raw $$ in the page`).not.toContain('$$');
      expect.soft(await page.locator('.katex-error').count(), `${lesson.href}: .katex-error`).toBe(0);
      expect.soft(await page.locator('.katex').count(), `${lesson.href}: no rendered math`).toBeGreaterThan(0);
      expect.soft(await page.locator('.lesson-meta li').count(), `${lesson.href}: no objectives shown`).toBeGreaterThan(0);
      expect.soft(tracked.errors, `${lesson.href}: console errors`).toEqual([]);
      await tracked.close();
    }
  });
});

describe('navigation', () => {
  test('the landing page ships no framework JS, starts lesson 1 in one click and has the progress spot', async () => {
    const { page, errors, close } = await openPage(browser);
    const scripts: string[] = [];
    page.on('response', (r) => { if (r.request().resourceType() === 'script') scripts.push(r.url()); });
    await page.goto(`${site.url}/`, { waitUntil: 'networkidle' });
    // A page without widgets ships no framework JS: no islands, no Preact.
    expect(await page.locator('astro-island').count()).toBe(0);
    expect(scripts.filter((url) => /preact|signals\.module/i.test(url))).toEqual([]);
    expect(await page.locator('#progress-summary').count()).toBe(1);
    expect(await page.locator('.lesson-path a').count()).toBe(lessons.length);
    await page.getByRole('link', { name: 'Start lesson 1' }).click();
    await page.waitForURL(`**${COURSE_PARTS[0].lessons[0]}/`);
    expect(new URL(page.url()).pathname).toBe(`/lessons/${COURSE_PARTS[0].lessons[0]}/`);
    expect(errors).toEqual([]);
    await close();
  });

  test('Next walks the lessons in sidebar order, Previous walks back', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(`${site.url}${lessons[0].href}`);
    for (let i = 1; i < lessons.length; i++) {
      await page.locator('.pagination-links a[rel="next"]').click();
      await page.waitForURL(`**${lessons[i].href}`);
      expect(await page.locator('h1#_top').innerText()).toBe(lessons[i].label);
    }
    if (lessons.length > 1) {
      await page.locator('.pagination-links a[rel="prev"]').click();
      await page.waitForURL(`**${lessons[lessons.length - 2].href}`);
    }
    await close();
  });

  test('a sidebar link opens its lesson and is marked current', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(`${site.url}${lessons[0].href}`);
    const target = lessons[Math.min(2, lessons.length - 1)];
    await page.locator(`nav.sidebar a[href="${target.href}"]`).click();
    await page.waitForURL(`**${target.href}`);
    expect(await page.locator(`nav.sidebar a[href="${target.href}"]`).getAttribute('aria-current')).toBe('page');
    await close();
  });

  test('search finds the Glorot lesson', async () => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${site.url}/`, { waitUntil: 'networkidle' });
    await page.locator('button[data-open-modal]').first().click();
    const input = page.locator('.pagefind-ui__search-input');
    await input.waitFor({ state: 'visible' });
    await input.fill('Glorot');
    const result = page.locator('.pagefind-ui__result-link[href*="/lessons/03-tanh-glorot/"]');
    await result.first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(await result.count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await close();
  });
});

describe('widgets', () => {
  test('each widget changes its plot and its data table when its first slider moves (keyboard)', async () => {
    const seen = new Set<string>();
    for (const lesson of lessons) {
      const tracked = await openPage(browser);
      const { page } = tracked;
      await page.goto(`${site.url}${lesson.href}`, { waitUntil: 'networkidle' });
      const count = await waitForWidgets(page);
      for (let i = 0; i < count; i++) {
        const widget = page.locator('.widget').nth(i);
        const name = (await widget.getAttribute('data-widget')) ?? `widget ${i}`;
        seen.add(name);
        // The training widget redraws when it trains, not when a slider moves: tests/e2e/training.test.ts covers it.
        if (name === 'TrainingWidget') continue;
        const slider = widget.locator('input[type="range"]').first();
        const canvas = widget.locator('canvas').first();
        const tableBefore = await widget.locator('.widget-table tbody').first().textContent();
        const pixelsBefore = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
        const atMax = await slider.evaluate((s) => Number((s as HTMLInputElement).value) >= Number((s as HTMLInputElement).max) - 5 * Number((s as HTMLInputElement).step || 1));
        await slider.focus();
        for (let k = 0; k < 5; k++) await slider.press(atMax ? 'ArrowLeft' : 'ArrowRight');
        // Widgets recompute once per animation frame; give the frame and the redraw time.
        await page.waitForFunction(
          ({ before, index }) => {
            const w = document.querySelectorAll('.widget')[index];
            return w?.querySelector('.widget-table tbody')?.textContent !== before;
          },
          { before: tableBefore, index: i },
          { timeout: 15_000 },
        );
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const pixelsAfter = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
        expect.soft(pixelsAfter, `${lesson.href} ${name}: chart did not change`).not.toBe(pixelsBefore);
      }
      for (const table of await page.locator('.alexnet-table').all()) {
        seen.add('AlexNetTable');
        const conv1 = await table.locator('tr', { has: page.locator('th', { hasText: /^conv1$/ }) }).locator('td').allTextContents();
        // kernel/stride, output shape, fan_in, fan_out, He std, Glorot std
        expect.soft(conv1.slice(1, 5), `${lesson.href} AlexNetTable conv1`).toEqual(['55 × 55 × 96', '363', '11,616', String(Math.sqrt(2 / 363).toPrecision(3))]);
        expect.soft(await table.locator('tbody th').allTextContents()).toEqual(expect.arrayContaining(['conv1', 'conv5', 'fc6', 'fc8']));
      }
      expect.soft(tracked.errors, `${lesson.href}: console errors while using widgets`).toEqual([]);
      await tracked.close();
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(EXPECTED_WIDGETS));
  });
});

describe('themes', () => {
  test("switching Starlight's theme to dark redraws a widget's chart in the dark palette", async () => {
    const withWidget = lessons[0];
    const { page, errors, close } = await openPage(browser, { colorScheme: 'light' });
    await page.goto(`${site.url}${withWidget.href}`, { waitUntil: 'networkidle' });
    expect(await waitForWidgets(page), `${withWidget.href} has no widget`).toBeGreaterThan(0);
    const canvas = page.locator('.widget canvas').first();
    await page.waitForTimeout(200);
    const light = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    await page.locator('starlight-theme-select select').first().selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const dark = await page.locator('.widget canvas').first().evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    expect(dark).not.toBe(light);
    expect(errors).toEqual([]);
    await close();
  });
});

describe('cross-origin isolation and offline assets', () => {
  test('pages are served with COOP/COEP and are cross-origin isolated; KaTeX fonts load from the site', async () => {
    const { page, errors, close } = await openPage(browser);
    const response = await page.goto(`${site.url}${lessons[0].href}`, { waitUntil: 'networkidle' });
    const headers = response!.headers();
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    const katexFonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.family.includes('KaTeX') && f.status === 'loaded').map((f) => f.family);
    });
    expect(katexFonts.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await close();
  });

  test('the built CSS points KaTeX at font files inside the site, and they exist', () => {
    const assets = path.join(site.outDir, '_astro');
    const css = fs.readdirSync(assets).filter((f) => f.endsWith('.css')).map((f) => fs.readFileSync(path.join(assets, f), 'utf8')).join('\n');
    const urls = [...css.matchAll(/url\(([^)]*KaTeX[^)]*)\)/g)].map((m) => m[1].replace(/["']/g, ''));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url, 'KaTeX font from another origin').toMatch(/^\/_astro\//);
      expect(fs.existsSync(path.join(site.outDir, url)), `${url} missing from the build`).toBe(true);
    }
  });
});

describe('screenshots', () => {
  test('each page in light and dark, 1280 and 390 px wide, with no sideways scrolling, written to test-output/screenshots/', async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pages = [{ href: '/', name: 'index' }, ...lessons.map((l) => ({ href: l.href, name: l.href.split('/').filter(Boolean).pop()! }))];
    const written: string[] = [];
    for (const { href, name } of pages) {
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const width of [1280, 390]) {
          const { page, close } = await openPage(browser, { width, height: 900, colorScheme });
          await page.goto(`${site.url}${href}`, { waitUntil: 'networkidle' });
          await scrollThrough(page);
          await waitForWidgets(page);
          await page.evaluate(() => window.scrollTo(0, 0));
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
          // Wide content (display math, tables, charts) scrolls inside its own box; the page never scrolls sideways.
          const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          expect.soft(pageWidth, `${href} at ${width} px scrolls sideways`).toBeLessThanOrEqual(width);
          const file = path.join(SCREENSHOT_DIR, `${name}-${colorScheme}-${width}.png`);
          await page.screenshot({ path: file, fullPage: true });
          written.push(file);
          await close();
        }
      }
    }
    for (const file of written) expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });
});

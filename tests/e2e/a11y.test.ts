/**
 * Accessibility, measured: axe-core (injected into the page) over every page of the built site in the
 * light and the dark theme, with every island hydrated (quizzes, widgets, exercise editors), and over
 * lesson 4 after a run of its exercise started from the keyboard (focus must stay on the Run button, not
 * fall to <body>). A violation fails the test unless it is in KNOWN_EXCEPTIONS below, each with the
 * reason it is not ours to fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, serveSite, type ServedSite } from './harness';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Exception {
  rule: string;
  /** Matched against the CSS selector axe reports for the node. */
  target: RegExp;
  why: string;
}

const KNOWN_EXCEPTIONS: Exception[] = [
  {
    rule: 'label-content-name-mismatch',
    target: /^button\[data-open-modal/,
    why:
      "Starlight's search button (Search.astro, 0.37): its visible text includes the shortcut hint “Ctrl K”, which is not in " +
      'its aria-label "Search". Owned by Starlight; the button is otherwise labelled and keyboard reachable.',
  },
];

interface AxeNode {
  target: string[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: AxeNode[];
}

let site: ServedSite;
let browser: Browser;
let pages: string[] = [];

beforeAll(async () => {
  site = await serveSite();
  browser = await launchBrowser();
  // Every page the build wrote: dist/**/index.html → its URL path.
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name.startsWith('_') || entry.name === 'pagefind' ? [] : walk(full);
      return entry.name === 'index.html' ? [`/${path.relative(site.outDir, dir).split(path.sep).join('/')}/`.replace(/\/+/g, '/')] : [];
    });
  pages = walk(site.outDir).sort();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Scrolls through the page so every client:visible island hydrates, then waits for the quizzes and editors. */
async function hydrateAll(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const step = Math.max(200, window.innerHeight * 0.8);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 60));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForFunction(() => [...document.querySelectorAll('.quiz-question button[type="submit"]')].every((b) => !(b as HTMLButtonElement).disabled), null, { timeout: 60_000 });
  for (const island of await page.locator('.exercise-island').all()) {
    await island.scrollIntoViewIfNeeded();
    // The editor loads when the learner clicks the code: scan the block as a learner working in it sees it.
    await expect.poll(async () => {
      await island.locator('pre.exercise-static-code').click({ timeout: 5_000 }).catch(() => {});
      return island.getAttribute('data-editor-state');
    }, { timeout: 120_000 }).not.toBe('static');
    await page.waitForFunction((el) => ['ready', 'failed'].includes(el?.getAttribute('data-editor-state') ?? ''), await island.elementHandle(), { timeout: 240_000 });
  }
}

/** Runs axe on the page; returns the violations that are not known exceptions, one readable line per node. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> } }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations;
  })) as AxeViolation[];
  const lines: string[] = [];
  for (const violation of violations) {
    for (const node of violation.nodes) {
      const target = node.target.join(' ');
      if (KNOWN_EXCEPTIONS.some((e) => e.rule === violation.id && e.target.test(target))) continue;
      lines.push(`${violation.id} (${violation.impact}): ${target}: ${node.failureSummary?.replace(/\s+/g, ' ') ?? violation.help}`);
    }
  }
  return lines;
}

describe('axe-core', () => {
  test('the site has pages to scan, and every exception has a reason', () => {
    expect(pages).toContain('/');
    expect(pages.filter((p) => p.startsWith('/lessons/')).length).toBeGreaterThanOrEqual(7);
    for (const e of KNOWN_EXCEPTIONS) expect(e.why.length).toBeGreaterThan(40);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`every page in the ${theme} theme has no violations beyond the listed exceptions`, async () => {
      const found: string[] = [];
      for (const url of pages) {
        const tracked = await openPage(browser, { width: 1280, height: 900, colorScheme: theme });
        const { page } = tracked;
        await page.addInitScript((t) => {
          try {
            localStorage.setItem('starlight-theme', t);
          } catch {
            // The runner's sandboxed frame has no storage.
          }
        }, theme);
        await page.goto(site.url + url);
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        await hydrateAll(page);
        found.push(...(await axeViolations(page)).map((line) => `${url}: ${line}`));
        await tracked.close();
      }
      expect(found).toEqual([]);
    }, 600_000);
  }

  test('every page at 390 px wide (wide formulas and tables scroll: focusable) has no violations beyond the listed exceptions', async () => {
    const found: string[] = [];
    for (const url of pages) {
      const tracked = await openPage(browser, { width: 390, height: 844 });
      const { page } = tracked;
      await page.goto(site.url + url);
      await hydrateAll(page);
      found.push(...(await axeViolations(page)).map((line) => `${url}: ${line}`));
      await tracked.close();
    }
    expect(found).toEqual([]);
  }, 600_000);

  test('lesson 4 after a run started from the keyboard: focus stays on Run, no violations', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const tracked = await openPage(browser, { width: 1280, height: 900, colorScheme: theme });
      const { page } = tracked;
      await page.addInitScript((t) => {
          try {
            localStorage.setItem('starlight-theme', t);
          } catch {
            // The runner's sandboxed frame has no storage.
          }
        }, theme);
      await page.goto(`${site.url}/lessons/04-relu-he/`);
      await hydrateAll(page);
      const island = page.locator('.exercise-island').first();
      const run = island.getByRole('button', { name: /^Run/ });
      await run.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('.exercise-island')?.getAttribute('data-phase') === 'running', null, { timeout: 30_000 }).catch(() => {});
      await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('.exercise-island')?.getAttribute('data-phase') ?? ''), null, { timeout: 180_000 });
      expect(await island.getAttribute('data-phase')).toBe('done');
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.className)).toMatch(/exercise-button--primary/);
      expect(await axeViolations(page)).toEqual([]);
      await tracked.close();
    }
  }, 600_000);
});

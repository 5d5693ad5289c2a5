/**
 * Authoring under `astro dev` (what `npm run dev` runs): an edit to an exercise's task.md reloads the
 * page with the new text, a broken exercise.json shows its error (file and field) in the page instead of
 * the old exercise, and once fixed the exercise runs (the runner's worker is bundled on the fly by the
 * devRunnerWorkers plugin, as the build bundles it). The test edits exercises/he-relu-50/ and restores
 * it afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, freePort, launchBrowser, openPage } from './harness';

const EXERCISE = 'he-relu-50';
const LESSON = '/lessons/04-relu-he/';
const dir = path.join(REPO_ROOT, 'exercises', EXERCISE);
const originals = new Map<string, string>();

let server: { stop(): Promise<void> };

/** Polls `check` in the page until it is true; survives the page reloading under it. */
async function eventually(page: import('playwright-core').Page, check: () => boolean, timeout: number): Promise<void> {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    if (await page.evaluate(check).catch(() => false)) return;
    await page.waitForTimeout(1000);
  }
  throw new Error(`not true within ${timeout / 1000} s: ${check.toString()}`);
}
let url: string;
let browser: Browser;

function edit(file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  if (!originals.has(full)) originals.set(full, fs.readFileSync(full, 'utf8'));
  fs.writeFileSync(full, change(fs.readFileSync(full, 'utf8')));
}

function restore(): void {
  for (const [full, text] of originals) fs.writeFileSync(full, text);
  originals.clear();
}

beforeAll(async () => {
  const { dev } = await import('astro');
  const port = await freePort();
  server = await dev({ root: REPO_ROOT, logLevel: 'warn', server: { host: '127.0.0.1', port } });
  url = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  restore();
  await browser?.close();
  await server?.stop();
});

describe('astro dev', () => {
  test('a task.md edit shows on reload, a broken exercise.json shows its error, and Run grades the exercise', async () => {
    const { page, close } = await openPage(browser);
    try {
      await page.goto(url + LESSON, { timeout: 300_000 });
      const marker = `Edited while the dev server runs ${Date.now()}.`;
      // The devContentReload plugin also pushes a reload to open pages on each change; the test reloads
      // by itself so as not to depend on when the HMR socket connects. What it checks is that the server
      // reads the files afresh (they were cached for the server's lifetime before).
      edit('task.md', (text) => `${text}\n${marker}\n`);
      await page.waitForTimeout(2000);
      await page.reload({ timeout: 300_000 });
      await eventually(page, new Function(`return document.body.textContent.includes(${JSON.stringify(marker)})`) as () => boolean, 120_000);

      edit('exercise.json', (text) => text.replace('"title":', '"titel":'));
      await page.waitForTimeout(2000);
      await page.goto(url + LESSON, { timeout: 300_000 });
      // Astro's dev server shows the error in an overlay over the page (Vite's error overlay).
      const overlayText = () => document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? '';
      await eventually(page, () => /exercise\.json/.test(document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? ''), 120_000);
      const shown = await page.evaluate(overlayText);
      expect(shown).toMatch(new RegExp(`exercises/${EXERCISE}/exercise\\.json`));
      expect(shown).toMatch(/Unrecognized key: "titel"/);

      // Fixed again: the page comes back, and Run grades the exercise.
      restore();
      await page.waitForTimeout(2000);
      await page.goto(url + LESSON, { timeout: 300_000 });
      const island = page.locator(`[data-exercise-id="${EXERCISE}"] .exercise-island`);
      await island.scrollIntoViewIfNeeded();
      // Run loads the editor (it loads on demand) and runs once it is ready; click waits for hydration.
      await island.getByRole('button', { name: /^Run/ }).click({ timeout: 300_000 });
      await page.waitForFunction(
        (id) => ['done', 'error'].includes(document.querySelector(`[data-exercise-id="${id}"] .exercise-island`)?.getAttribute('data-phase') ?? ''),
        EXERCISE,
        { timeout: 300_000 },
      );
      const outcome = await island.getAttribute('data-phase');
      const results = (await island.locator('.exercise-results').textContent()) ?? '';
      expect(results).not.toMatch(/needs the built site/);
      // The starter is a deliberately failing initializer: a verdict, not a runner error.
      expect(outcome, results).toBe('done');
    } finally {
      restore();
      await close();
    }
  }, 900_000);
});

/**
 * Authoring under `astro dev` (what `npm run dev` runs): an exercise runs (the runner's worker is bundled
 * on the fly by the devRunnerWorkers plugin, as the build bundles it), an edit to an exercise's task.md
 * reloads the page with the new text, and a broken exercise.json shows its error (file and field) in the
 * page instead of the old exercise. The test edits exercises/he-relu-50/ and restores it afterwards.
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
  test('Run grades the exercise, task.md edits reload, a broken exercise.json shows its error', async () => {
    const { page, close } = await openPage(browser);
    try {
      await page.goto(url + LESSON, { timeout: 300_000 });
      const island = page.locator(`[data-exercise-id="${EXERCISE}"] .exercise-island`);
      await island.scrollIntoViewIfNeeded();
      await island.and(page.locator('[data-editor-state="ready"]')).waitFor({ timeout: 300_000 });
      await island.getByRole('button', { name: /^Run/ }).click();
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

      const marker = `Edited while the dev server runs ${Date.now()}.`;
      edit('task.md', (text) => `${text}\n${marker}\n`);
      await page.waitForFunction((m) => document.body.textContent?.includes(m), marker, { timeout: 120_000 });

      edit('exercise.json', (text) => text.replace('"title":', '"titel":'));
      await page.waitForFunction(() => /exercise\.json/.test(document.body.innerText + (document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? '')), null, {
        timeout: 120_000,
      });
      const shown = await page.evaluate(() => document.body.innerText + (document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? ''));
      expect(shown).toMatch(new RegExp(`exercises/${EXERCISE}/exercise\\.json`));
      expect(shown).toMatch(/titel|title/);
    } finally {
      restore();
      await close();
    }
  }, 900_000);
});

/**
 * The training exercise's results panel in a real browser (lesson 4, train-deep-relu): while the grader trains,
 * the verdict says which seed and step it is at; afterwards each graded seed has a plot of the learner's loss and
 * held-out accuracy against the reference solution's (measured by the same runner), and a table with the same
 * numbers, whose last rows agree with the verdict; a failing answer is plotted for the seed it failed on. Writes
 * screenshots of the failing answer's results (light and dark, 1280 and 390 px) to
 * test-output/screenshots/training-results-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, REPO_ROOT } from './harness';
import { siteSession } from './site-session';
import { exerciseBlock, loadEditorAndWait } from './exercise-page';
import { inEachThemeAndWidth, longTasksSince, pageNow, recordLongTasks, shootElement } from './page-measures';

const LESSON = '/lessons/04-relu-he/';
const ID = 'train-deep-relu';
const SHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');
const exercise = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'exercises', ID, 'exercise.json'), 'utf8'));
const solution = fs.readFileSync(path.join(REPO_ROOT, 'exercises', ID, 'solution.ts'), 'utf8');
const lecun = fs.readFileSync(path.join(REPO_ROOT, 'exercises', ID, 'wrong', 'lecun.ts'), 'utf8');
const { seeds, steps } = exercise.criteria.train as { seeds: number[]; steps: number };

const session = siteSession();

const block = (page: Page) => exerciseBlock(page, ID);

/** Opens lesson 4 with `code` saved as the learner's code of the exercise and presses Run. */
async function runSaved(page: Page, code: string) {
  await page.goto(`${session.site.url}${LESSON}`, { waitUntil: 'networkidle' });
  await page.evaluate(({ id, code }) => localStorage.setItem(`initlab:code:${id}`, JSON.stringify({ v: 1, code, savedAt: new Date().toISOString() })), { id: ID, code });
  await page.reload({ waitUntil: 'networkidle' });
  await block(page).scrollIntoViewIfNeeded();
  // Load the editor (it opens with the saved code) and let it settle, so what follows Run is the run itself.
  await loadEditorAndWait(page, ID);
  await page.waitForTimeout(3000);
  await block(page).getByRole('button', { name: 'Run' }).click();
}

const shoot = (page: Page, selector: string, name: string) => shootElement(page, page.locator(selector), path.join(SHOTS, `training-results-${name}.png`));

test('grading shows its progress, then the curves of every seed against the reference, with a table', { timeout: 420_000 }, async () => {
  const { page, errors, close } = await openPage(session.browser);
  await recordLongTasks(page);
  await runSaved(page, solution);
  const verdict = block(page).locator('.exercise-verdict');
  let trainingSince: number | undefined;

  // Progress while the grader trains: "Training seed s of 2, step k/200…", and a progress bar.
  const progress = new Set<string>();
  await expect
    .poll(async () => {
      const text = (await verdict.textContent()) ?? '';
      const m = /Training seed (\d) of (\d), step (\d+)\/(\d+)/.exec(text);
      if (m) progress.add(`${m[1]}/${m[2]}:${m[3]}/${m[4]}`);
      if (m) trainingSince ??= await pageNow(page);
      return [...progress].some((p) => p.startsWith(`${seeds.length}/${seeds.length}:`)) || /Passed|Not yet/.test(text);
    }, { timeout: 200_000, interval: 200 })
    .toBe(true);
  console.log(`progress seen: ${[...progress].join(' ')}`);
  expect(progress.size).toBeGreaterThan(1);
  expect([...progress].every((p) => new RegExp(`^[1-${seeds.length}]/${seeds.length}:\\d+/${steps}$`).test(p))).toBe(true);
  await expect.poll(() => verdict.textContent(), { timeout: 200_000 }).toMatch(/^Passed\./);
  // The streamed training points are drawn without a long task over 200 ms (counted from the first one seen).
  const tasks = await longTasksSince(page, trainingSince!);
  console.log(`long tasks while the grader trained: ${tasks.length}, longest ${Math.max(0, ...tasks)} ms (${tasks.join(', ')})`);
  expect(Math.max(0, ...tasks)).toBeLessThanOrEqual(200);

  // One figure per graded seed, each with a loss and an accuracy chart (canvas drawn).
  const training = block(page).locator('.exercise-training');
  await expect.poll(() => training.locator('figure').count()).toBe(seeds.length);
  expect(await training.locator('figure canvas').count()).toBeGreaterThanOrEqual(2 * seeds.length);
  expect(await training.locator('figcaption').allTextContents()).toEqual(seeds.map((s) => `Seed ${s}: training loss and held-out accuracy`));

  // The reference curves arrive once the solution has been measured by the same runner.
  const table = training.locator('details.exercise-table');
  await table.locator('summary').click();
  const lastRow = async (seed: number) => table.locator('tbody tr').filter({ hasText: `seed ${seed}, step ${steps - 1}` }).locator('td').allTextContents();
  await expect.poll(async () => (await lastRow(seeds[0]))[1], { timeout: 200_000 }).toMatch(/^\d/);
  const verdictText = (await verdict.textContent())!;
  for (const seed of seeds) {
    const [loss, refLoss, accuracy, refAccuracy] = await lastRow(seed);
    console.log(`seed ${seed}, step ${steps - 1}: loss ${loss} (reference ${refLoss}), accuracy ${accuracy} (reference ${refAccuracy})`);
    // The learner's code is the solution: its curve is the reference's, and its last accuracy is the one the verdict quotes.
    expect(loss).toBe(refLoss);
    expect(accuracy).toBe(refAccuracy);
    expect(verdictText).toContain(accuracy);
  }
  // The accessible names of the charts carry the numbers too.
  const labels = await training.locator('[role="img"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(labels[0]).toMatch(new RegExp(`^Training loss for seed ${seeds[0]} over ${steps} steps \\(log scale\\): yours from [\\d.]+ at step 0, [\\d.]+ at step ${steps - 1}; reference from`));

  expect(errors).toEqual([]);
  await close();
});

test('a failing answer (LeCun) is plotted against the reference; the seeds it never reached are named', { timeout: 420_000 }, async () => {
  const { page, errors, close } = await openPage(session.browser);
  await runSaved(page, lecun);
  const verdict = block(page).locator('.exercise-verdict');
  await expect.poll(() => verdict.textContent(), { timeout: 200_000 }).toMatch(/^Not yet\./);
  const training = block(page).locator('.exercise-training');
  // Grading stops at the first failing seed: one figure, and a note for the others.
  await expect.poll(() => training.locator('figure').count()).toBe(1);
  expect(await training.locator('.exercise-reference-note').textContent()).toBe(`Seed${seeds.length > 2 ? 's' : ''} ${seeds.slice(1).join(', ')} not trained: grading stops at the first seed that fails.`);
  const table = training.locator('details.exercise-table');
  await table.locator('summary').click();
  const last = table.locator('tbody tr').filter({ hasText: `seed ${seeds[0]}, step ${steps - 1}` }).locator('td');
  await expect.poll(async () => (await last.allTextContents())[1], { timeout: 200_000 }).toMatch(/^\d/);
  const [loss, refLoss, accuracy, refAccuracy] = await last.allTextContents();
  console.log(`LeCun, seed ${seeds[0]}, step ${steps - 1}: loss ${loss} (reference ${refLoss}), accuracy ${accuracy} (reference ${refAccuracy})`);
  // The verdict quotes the plotted accuracy, below the criterion; the reference (He) ends higher and lower in loss.
  expect(await verdict.textContent()).toContain(`held-out accuracy is ${accuracy} after ${steps} steps`);
  expect(parseFloat(accuracy)).toBeLessThan(100 * exercise.criteria.train.minAccuracy);
  expect(parseFloat(refAccuracy)).toBeGreaterThanOrEqual(100 * exercise.criteria.train.minAccuracy);
  expect(parseFloat(loss)).toBeGreaterThan(parseFloat(refLoss));
  await table.locator('summary').click();

  fs.mkdirSync(SHOTS, { recursive: true });
  await inEachThemeAndWidth(page, async (theme, width) => {
    await shoot(page, `[data-exercise-id="${ID}"]`, `${theme}-${width}`);
    await shoot(page, `[data-exercise-id="${ID}"] .exercise-training`, `curves-${theme}-${width}`);
  });
  expect(errors).toEqual([]);
  await close();
});

/**
 * Every exercise of the course, through the real editor on the built site, as a learner meets it: open its
 * lesson, paste one of its known-wrong answers and press Run (the verdict says what exercise.json expects for
 * it), then Show solution, Copy into the editor, Run (it passes). The list is read from exercises/, so a new
 * exercise is covered without editing this file. One browser; one exercise after the other.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, REPO_ROOT, serveSite, type ServedSite } from './harness';
import { closeClean, exerciseBlock, loadEditorAndWait, runAndWait, savedCode, setCode } from './exercise-page';

const EXERCISES_DIR = path.join(REPO_ROOT, 'exercises');

/**
 * Exercises whose solution trains a network, graded in the browser by another test: here their wrong answer
 * is one the checks before training reject, and their solution is not run (its training takes a minute).
 */
const TRAINING_TESTED_ELSEWHERE: Record<string, { wrongAnswer: string; testedBy: string }> = {
  'train-deep-relu': { wrongAnswer: 'wrong/zeros.ts', testedBy: 'runner-train.test.ts' },
};

interface ExerciseOnDisk {
  id: string;
  lesson: string;
  solution: string;
  wrong: { file: string; code: string; expect: string };
  runSolution: boolean;
}

function exercisesOnDisk(): ExerciseOnDisk[] {
  const ids = fs.readdirSync(EXERCISES_DIR).filter((d) => fs.existsSync(path.join(EXERCISES_DIR, d, 'exercise.json'))).sort();
  return ids.map((id) => {
    const read = (file: string) => fs.readFileSync(path.join(EXERCISES_DIR, id, file), 'utf8');
    const spec = JSON.parse(read('exercise.json')) as { lesson: string; wrongAnswers?: { file: string; expect: string }[] };
    const elsewhere = TRAINING_TESTED_ELSEWHERE[id];
    const wrong = spec.wrongAnswers?.find((w) => w.file === (elsewhere?.wrongAnswer ?? w.file));
    if (!wrong) throw new Error(`exercises/${id}/exercise.json lists no wrongAnswers${elsewhere ? ` entry ${elsewhere.wrongAnswer}` : ''}.`);
    return { id, lesson: spec.lesson, solution: read('solution.ts'), wrong: { ...wrong, code: read(wrong.file) }, runSolution: !elsewhere };
  });
}

const exercises = exercisesOnDisk();
let site: ServedSite;
let browser: Browser;
const timings: string[] = [];

beforeAll(async () => {
  site = await serveSite();
  browser = await launchBrowser();
});

afterAll(async () => {
  if (timings.length) console.log(`every exercise in the editor:\n${timings.join('\n')}`);
  await browser?.close();
  await site?.close();
});

describe('every exercise through the editor', () => {
  it('finds the exercises, and the ones whose training another test runs still exist', () => {
    expect(exercises.length).toBeGreaterThan(0);
    for (const id of Object.keys(TRAINING_TESTED_ELSEWHERE)) expect(exercises.map((e) => e.id)).toContain(id);
  });

  for (const exercise of exercises) {
    const { id } = exercise;
    it(`${id}: ${exercise.wrong.file} fails with "${exercise.wrong.expect}"${exercise.runSolution ? ', the solution shown and copied in passes' : ''}`, async () => {
      const built = path.join(site.outDir, exercise.lesson, 'index.html');
      const html = fs.existsSync(built) ? fs.readFileSync(built, 'utf8') : '';
      expect(html.includes(`data-exercise-id="${id}"`), `the built page of ${exercise.lesson} (exercise.json's lesson) has no <Exercise id="${id}" /> block`).toBe(true);
      const started = Date.now();
      const tracked = await openPage(browser);
      const { page } = tracked;
      await page.goto(`${site.url}/${exercise.lesson}/`);
      const block = exerciseBlock(page, id);
      await block.scrollIntoViewIfNeeded();
      await loadEditorAndWait(page, id);

      await setCode(page, id, exercise.wrong.code);
      expect(await runAndWait(page, id)).toBe('done');
      await expect(block.locator('.exercise-verdict-title').innerText()).resolves.toBe('Not yet.');
      // The grader's message, shown with its first letter capitalized (it may start with the expected words).
      const message = await block.locator('.exercise-verdict-title + p').innerText();
      const expected = exercise.wrong.expect;
      if (!message.startsWith(expected.charAt(0).toUpperCase() + expected.slice(1))) expect(message).toContain(expected);
      const wrongDone = Date.now();

      if (exercise.runSolution) {
        await block.getByRole('button', { name: 'Show solution' }).click();
        await page.getByRole('dialog', { name: 'Show the reference solution?' }).getByRole('button', { name: 'Show solution' }).click();
        await block.getByRole('region', { name: 'Reference solution' }).getByRole('button', { name: 'Copy into the editor' }).click();
        await page.getByRole('dialog', { name: 'Copy the solution into the editor?' }).getByRole('button', { name: 'Replace my code' }).click();
        expect(await runAndWait(page, id)).toBe('done');
        // What ran is the solution exactly: Run saves the editor's text first.
        expect(await savedCode(page, id)).toBe(exercise.solution);
        await expect(block.locator('.exercise-verdict').innerText()).resolves.toMatch(/^Passed\./);
        const stored = await page.evaluate((exerciseId) => JSON.parse(localStorage.getItem('initlab:progress') ?? '{}').exercises?.[exerciseId], id);
        expect(stored).toMatchObject({ status: 'passed', attempts: 2 });
      }
      timings.push(
        `  ${id}: ${((Date.now() - started) / 1000).toFixed(1)} s (page and wrong answer ${((wrongDone - started) / 1000).toFixed(1)} s` +
          `${exercise.runSolution ? `, solution ${((Date.now() - wrongDone) / 1000).toFixed(1)} s` : `; solution run by ${TRAINING_TESTED_ELSEWHERE[id].testedBy}`})`,
      );
      await closeClean(tracked);
    }, 360_000);
  }
});

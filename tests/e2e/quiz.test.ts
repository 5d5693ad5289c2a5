/**
 * Quizzes in a real browser, driven by the keyboard: a wrong numeric answer gets its listed mistake's
 * explanation, the right one is accepted and revealed; a multiple-choice question is answered with the
 * arrow keys; answers survive a reload, and the landing page counts them against the number of
 * questions in content/quizzes/ (read here from the files).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT, launchBrowser, openPage, serveSite, type ServedSite, type TrackedPage } from './harness';

let site: ServedSite;
let browser: Browser;
let tracked: TrackedPage;

const quizDir = path.join(REPO_ROOT, 'content', 'quizzes');
const questionCount = fs
  .readdirSync(quizDir)
  .filter((f) => f.endsWith('.yaml'))
  .reduce((n, f) => n + (parseYaml(fs.readFileSync(path.join(quizDir, f), 'utf8')) as { questions: unknown[] }).questions.length, 0);

beforeAll(async () => {
  site = await serveSite();
  browser = await launchBrowser();
  tracked = await openPage(browser, { width: 1280, height: 900 });
});

afterAll(async () => {
  await tracked?.close();
  await browser?.close();
  await site?.close();
});

describe('quiz', () => {
  test('numeric and multiple-choice questions answered from the keyboard, saved, counted on the landing page', async () => {
    const { page, errors } = tracked;
    await page.goto(`${site.url}/lessons/01-explode-vanish/`);
    const numeric = page.locator('[data-question-id="chain-below-one-percent"]');
    // Readable before hydration: the prompt is in the page's HTML.
    await expect(numeric.locator('.quiz-question__prompt').textContent()).resolves.toMatch(/after how many layers/);
    await numeric.scrollIntoViewIfNeeded();
    const check = numeric.getByRole('button', { name: 'Check answer' });
    await check.waitFor({ state: 'visible' });
    await page.waitForFunction((el) => !(el as HTMLButtonElement).disabled, await check.elementHandle());

    // The fieldset is named by its legend and described by the prompt.
    const group = numeric.getByRole('group', { name: /Question 1 of 2/ });
    await expect(group.count()).resolves.toBe(1);
    const reveal = numeric.getByRole('button', { name: 'Show the answer' });
    expect(await reveal.isDisabled()).toBe(true);
    const answerId = await reveal.getAttribute('aria-controls');
    expect(await page.locator(`#${answerId}`).count()).toBe(1);

    const input = numeric.getByLabel('Your answer');
    await input.focus();
    await page.keyboard.type('43');
    await page.keyboard.press('Enter');
    const feedback = numeric.locator('[role="status"]');
    await expect(feedback.getAttribute('aria-live')).resolves.toBe('polite');
    await page.waitForFunction((el) => /Not quite/.test(el!.textContent ?? ''), await feedback.elementHandle());
    expect(await feedback.textContent()).toMatch(/still just above 1%/);
    expect(await reveal.isDisabled()).toBe(false);

    await input.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('44 layers');
    await page.keyboard.press('Enter');
    await page.waitForFunction((el) => /Correct/.test(el!.textContent ?? ''), await feedback.elementHandle());
    const answer = page.locator(`#${answerId}`);
    expect(await answer.isVisible()).toBe(true);
    expect(await answer.textContent()).toMatch(/Answer: 44 layers/);
    expect(await answer.textContent()).toMatch(/43\.7/);

    const choice = page.locator('[data-question-id="chain-largest-weight-gradient"]');
    const radios = choice.getByRole('radio');
    expect(await radios.count()).toBe(3);
    await radios.first().focus();
    await page.keyboard.press('Space'); // option 1: wrong
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Check answer');
    await page.keyboard.press('Enter');
    const choiceFeedback = choice.locator('[role="status"]');
    await page.waitForFunction((el) => /Not quite/.test(el!.textContent ?? ''), await choiceFeedback.elementHandle());
    expect(await choiceFeedback.textContent()).toMatch(/activations/); // the chosen option's explanation
    await radios.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // option 3: none of them (correct)
    expect(await radios.nth(2).isChecked()).toBe(true);
    await page.keyboard.press('Enter'); // implicit submission from a radio
    await page.waitForFunction((el) => /Correct/.test(el!.textContent ?? ''), await choiceFeedback.elementHandle());

    // Saved: after a reload both questions show as answered, the typed answer is back.
    await page.reload();
    await numeric.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => /answered correctly/.test(document.querySelector('[data-question-id="chain-below-one-percent"] legend')?.textContent ?? ''));
    expect(await numeric.getByLabel('Your answer').inputValue()).toBe('44 layers');
    expect(await choice.locator('legend').textContent()).toMatch(/answered correctly/);
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('initlab:quizzes') ?? 'null'));
    expect(saved.questions['chain-below-one-percent']).toMatchObject({ attempts: 2, correct: true, lastAnswer: '44 layers' });
    expect(saved.questions['chain-largest-weight-gradient']).toMatchObject({ attempts: 2, correct: true, lastAnswer: '3' });

    await page.goto(`${site.url}/`);
    const counts = page.locator('.progress-summary__quizzes');
    await counts.waitFor();
    expect(await counts.textContent()).toBe(`2 of ${questionCount} quiz questions answered correctly.`);
    // Lesson 1 also has an exercise, whose editor may still be loading when the test navigates away:
    // those requests are cancelled by the navigation (ERR_ABORTED), which is not an error of the page.
    expect(errors.filter((e) => !/net::ERR_ABORTED/.test(e))).toEqual([]);
  });
});

/**
 * The exercise block in a real browser, against the built site: the editor (Monaco with the learner's
 * types and TF.js's), type errors blocking a run, a wrong and a right initializer graded through the
 * runner, saved work across reloads, hints, reset, keyboard use, and progress export/import.
 * Screenshots of each state go to test-output/screenshots/exercise-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, REPO_ROOT, serveSite, setTheme, type ServedSite, type TrackedPage } from './harness';
import {
  closeClean, editorText as editorTextOf, exerciseIsland, loadEditor as loadEditorOf, savedCode as savedCodeOf, setCode as setCodeOf,
  waitForOutcome as waitForOutcomeOf,
} from './exercise-page';

const SHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');

interface ExerciseFixture {
  id: string;
  lessonPath: string;
  starter: string;
  solution: string;
  hints: string[];
  wrong: { code: string; expect: string } | null;
}

/** The exercise to test: he-relu-50 if the course has it, else the first exercise a built page contains. */
function pickExercise(outDir: string): ExerciseFixture {
  const root = path.join(REPO_ROOT, 'exercises');
  const ids = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'exercise.json')));
  const ordered = [...ids.filter((id) => id === 'he-relu-50'), ...ids.filter((id) => id !== 'he-relu-50')];
  for (const id of ordered) {
    const spec = JSON.parse(fs.readFileSync(path.join(root, id, 'exercise.json'), 'utf8'));
    const page = path.join(outDir, spec.lesson, 'index.html');
    if (!fs.existsSync(page) || !fs.readFileSync(page, 'utf8').includes(`data-exercise-id="${id}"`)) continue;
    const read = (f: string) => fs.readFileSync(path.join(root, id, f), 'utf8');
    const firstWrong = spec.wrongAnswers?.[0];
    return {
      id,
      lessonPath: `/${spec.lesson}/`,
      starter: read('starter.ts'),
      solution: read('solution.ts'),
      hints: spec.hints,
      wrong: firstWrong ? { code: read(firstWrong.file), expect: firstWrong.expect } : null,
    };
  }
  throw new Error(`No built lesson page contains an <Exercise> block (exercises: ${ids.join(', ') || 'none'}).`);
}

let site: ServedSite;
let browser: Browser;
let exercise: ExerciseFixture;

beforeAll(async () => {
  site = await serveSite();
  exercise = pickExercise(site.outDir);
  browser = await launchBrowser();
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

// The helpers of exercise-page.ts, for this file's exercise.
const island = (page: Page) => exerciseIsland(page, exercise.id);
const loadEditor = (page: Page) => loadEditorOf(page, exercise.id);
const setCode = (page: Page, code: string) => setCodeOf(page, exercise.id, code);
const editorText = (page: Page) => editorTextOf(page, exercise.id);
const savedCode = (page: Page) => savedCodeOf(page, exercise.id);
const waitForOutcome = (page: Page, timeout?: number) => waitForOutcomeOf(page, exercise.id, timeout);

async function openExercise(options: { width?: number; theme?: 'light' | 'dark' } = {}): Promise<TrackedPage> {
  const tracked = await openPage(browser, { width: options.width ?? 1280, colorScheme: options.theme ?? 'light' });
  const { page } = tracked;
  await page.goto(site.url + exercise.lessonPath);
  if (options.theme) await setTheme(page, options.theme);
  await page.locator(`[data-exercise-id="${exercise.id}"]`).scrollIntoViewIfNeeded();
  await loadEditor(page);
  await island(page).and(page.locator('[data-editor-state="ready"]')).waitFor({ timeout: 90_000 });
  return tracked;
}

/** Reloads the page; requests the reload cancels (ERR_ABORTED) are the navigation's doing, not errors of the page. */
async function reloadKeepingErrors(tracked: TrackedPage, afterReload: () => Promise<unknown> = async () => {}) {
  const beforeReload = tracked.errors.length;
  await tracked.page.reload();
  await afterReload();
  const sinceReload = tracked.errors.splice(beforeReload);
  tracked.errors.push(...sinceReload.filter((error) => !/^request failed: .*\(net::ERR_ABORTED\)$/.test(error)));
}

/** Moves the mouse over the first occurrence of `word` in the editor (Monaco merges tokens into spans). */
async function hoverWord(page: Page, word: string) {
  await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain(word);
  const point = await page.evaluate((w) => {
    const lines = document.querySelector('.exercise-editor .view-lines')!;
    const walker = document.createTreeWalker(lines, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(w);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      const box = range.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    return null;
  }, word);
  if (!point) throw new Error(`"${word}" is not visible in the editor`);
  // Away and back: Monaco asks the TypeScript worker again only when the pointer enters the word anew,
  // and the first answer can come back empty while the worker is still reading the model.
  await page.mouse.move(1, 1);
  await page.mouse.move(point.x, point.y);
}

/** The exercise block as a full-page capture clipped to it, so Starlight's fixed header does not cover it. */
async function shoot(page: Page, name: string) {
  const box = await page.locator(`[data-exercise-id="${exercise.id}"]`).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
    window.scrollTo(0, 0); // fixed headers are drawn where the viewport is: keep them at the top
    return box;
  });
  await page.screenshot({ path: path.join(SHOTS, `exercise-${name}.png`), fullPage: true, clip: box });
}

describe('exercise block', () => {
  it('is readable before Monaco arrives: task and starter as static HTML, no editor script on other pages', async () => {
    const html = await (await fetch(site.url + exercise.lessonPath)).text();
    expect(html).toContain(`data-exercise-id="${exercise.id}"`);
    expect(html).toMatch(/<pre class="exercise-static-code"/);
    const firstStarterLine = exercise.starter.split('\n').find((l) => l.trim().length > 0)!.trim();
    const decoded = html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    expect(decoded).toContain(firstStarterLine);

    // With Monaco's chunk blocked, the page still shows the task and the code, scrolls, and says why there is no editor.
    const tracked = await openPage(browser);
    const { page } = tracked;
    await page.route(/monaco-editor\.[^/]*\.js$/, (route) => route.abort());
    await page.goto(site.url + exercise.lessonPath);
    await page.locator(`[data-exercise-id="${exercise.id}"]`).scrollIntoViewIfNeeded();
    await loadEditor(page);
    await island(page).and(page.locator('[data-editor-state="failed"]')).waitFor({ timeout: 60_000 });
    await expect(page.locator(`[data-exercise-id="${exercise.id}"] pre.exercise-static-code`).innerText()).resolves.toContain(firstStarterLine);
    await expect(page.locator(`[data-exercise-id="${exercise.id}"] [role="alert"]`).innerText()).resolves.toMatch(/editor could not load/);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBeGreaterThan(0);
    await tracked.close(); // its errors are the blocked chunk's, on purpose

    // A page without an exercise never requests Monaco (every lesson has one now: the landing page has none).
    const other = await openPage(browser);
    const requested: string[] = [];
    other.page.on('request', (r) => requested.push(r.url()));
    expect(fs.readFileSync(path.join(site.outDir, 'index.html'), 'utf8')).not.toContain('data-exercise-id');
    await other.page.goto(`${site.url}/`);
    await other.page.mouse.wheel(0, 5000);
    await other.page.waitForTimeout(1000);
    expect(requested.filter((u) => /monaco|ts\.worker|editor\.worker/.test(u))).toEqual([]);
    await closeClean(other);
  });

  it('loads the editor only when the learner focuses the starter code, and then puts the caret in it', async () => {
    const tracked = await openPage(browser);
    const { page } = tracked;
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(site.url + exercise.lessonPath);
    await page.locator(`[data-exercise-id="${exercise.id}"]`).scrollIntoViewIfNeeded();
    const code = page.locator(`[data-exercise-id="${exercise.id}"] pre.exercise-static-code`);
    await code.and(page.locator('[tabindex="0"]')).waitFor({ timeout: 60_000 }); // hydrated: the code is focusable
    await page.waitForTimeout(1500);
    expect(requested.filter((u) => /monaco|ts\.worker|editor\.worker|tfjs/.test(u))).toEqual([]);
    await code.focus();
    await island(page).and(page.locator('[data-editor-state="ready"]')).waitFor({ timeout: 90_000 });
    expect(requested.some((u) => /monaco-editor\.[^/]*\.js$/.test(u))).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.exercise-editor') !== null)).toBe(true);
    await tracked.close();
  });

  it('types tf. and the learner contract: completions and hover docs come from the .d.ts files', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    await setCode(page, 'export default function init(layer: LayerInfo, { tf }: InitTools): Weights {\n  return tf');
    await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain('return tf');
    // Typing the dot (not pasting it) opens the completion list; Ctrl+Space asks again if the
    // TypeScript worker was still loading TF.js's declarations the first time.
    await page.keyboard.type('.');
    const suggest = page.locator('.suggest-widget.visible');
    await expect
      .poll(
        async () => {
          if (await suggest.isVisible()) return true;
          await page.keyboard.press('Control+Space');
          await page.waitForTimeout(2000);
          return suggest.isVisible();
        },
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
    await page.keyboard.type('randomNorm');
    await expect
      .poll(async () => (await suggest.locator('.monaco-list-row').allInnerTexts()).join(' '), { timeout: 30_000 })
      .toContain('randomNormal');
    await page.keyboard.press('Escape');
    // Hover over `fanIn` in a line that uses it: the doc comment from learner-globals.d.ts.
    await setCode(page, 'export default function init(layer: LayerInfo, { random }: InitTools): Weights {\n  return random.normal(layer.shape, 0, 1 / layer.fanIn);\n}\n');
    await expect
      .poll(
        async () => {
          await hoverWord(page, 'fanIn');
          await page.waitForTimeout(1500);
          return page.locator('.monaco-hover').allInnerTexts();
        },
        { timeout: 90_000, interval: 500 },
      )
      .toEqual(expect.arrayContaining([expect.stringContaining('Number of inputs each output unit sums over')]));
    await closeClean(tracked);
  });

  it('a syntax error is marked with its line and column and nothing runs', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    await setCode(page, exercise.solution.replace(/\)\s*;/, ';'));
    await page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: /^Run/ }).click();
    expect(await waitForOutcome(page)).toBe('blocked');
    const verdict = page.locator(`[data-exercise-id="${exercise.id}"] [role="status"]`).first();
    await expect(verdict.innerText()).resolves.toMatch(/Fix \d+ errors? first: nothing was run/);
    await expect(verdict.innerText()).resolves.toMatch(/Line \d+, column \d+:/);
    await expect(page.locator('.exercise-editor .squiggly-error').count()).resolves.toBeGreaterThan(0);
    // Nothing ran: no backend was reported and no plot exists.
    await expect(page.locator('.exercise-backend-report').count()).resolves.toBe(0);
    await expect(page.locator('.exercise-plot').count()).resolves.toBe(0);
    await shoot(page, 'error-light-1280');
    await closeClean(tracked);
  });

  it('a wrong initializer fails with the grader\'s diagnostic, plotted', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    await setCode(page, exercise.wrong?.code ?? exercise.starter);
    await page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: /^Run/ }).click();
    expect(await waitForOutcome(page)).toBe('done');
    const verdict = page.locator(`[data-exercise-id="${exercise.id}"] .exercise-verdict`);
    await expect(verdict.innerText()).resolves.toMatch(/^Not yet\./);
    if (exercise.wrong) await expect(verdict.innerText()).resolves.toContain(exercise.wrong.expect);
    await expect(verdict.getAttribute('role')).resolves.toBe('status');
    await expect(page.locator('.exercise-plot canvas').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.exercise-backend-report').innerText()).resolves.toMatch(/^Ran on (WebGPU|WebGL|WASM|CPU)/);
    await expect(page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: 'Show solution' }).getAttribute('class')).resolves.toContain('exercise-button--suggest');
    await shoot(page, 'fail-light-1280');
    await closeClean(tracked);
  });

  it('code that forges a verdict and patches the grader\'s built-ins gets no pass: not on screen, not in progress, not in the sidebar', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    // The attacks of issue 8: rewrite outgoing messages into a "passed" verdict, make find() see no bad layer.
    await setCode(page, `export default function init(layer: LayerInfo): Weights {
  const forged = { type: 'done', runId: 1, verdict: { passed: true, message: 'Passed. (forged)', details: [] }, verdicts: [], results: [], checks: [] };
  const proto = MessagePort.prototype as any;
  const original = proto.postMessage;
  proto.postMessage = function (this: MessagePort, _message: unknown, transfer?: Transferable[]) { return original.call(this, forged, transfer); };
  Array.prototype.find = function () { return undefined; };
  return new Float32Array(layer.shape.reduce((a, b) => a * b, 1));
}
`);
    await page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: /^Run/ }).click();
    expect(await waitForOutcome(page)).toBe('done');
    await expect(page.locator(`[data-exercise-id="${exercise.id}"] .exercise-verdict`).innerText()).resolves.toMatch(/^Not yet\./);
    const stored = await page.evaluate((id) => JSON.parse(localStorage.getItem('initlab:progress') ?? '{}').exercises?.[id]?.status, exercise.id);
    expect(stored).toBe('attempted');
    await expect(page.locator(`#starlight__sidebar a[href$="${exercise.lessonPath}"] .progress-badge`).getAttribute('data-state')).resolves.not.toBe('passed');
    await closeClean(tracked);
  });

  it('the right initializer passes with Ctrl+Enter; plot, histograms and table are drawn; the sidebar shows it', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    await setCode(page, exercise.solution);
    await page.keyboard.press('Control+Enter');
    expect(await waitForOutcome(page)).toBe('done');
    const root = page.locator(`[data-exercise-id="${exercise.id}"]`);
    await expect(root.locator('.exercise-verdict').innerText()).resolves.toMatch(/^Passed\./);
    // The forward plot has the learner's curve: uPlot drew a canvas with non-background pixels.
    const drawn = await root.locator('.exercise-plot canvas').first().evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
    expect(drawn).toBeGreaterThan(500);
    const rows = await root.locator('.exercise-table tbody tr').count();
    expect(rows).toBeGreaterThan(1);
    await expect(root.locator('.exercise-histogram-grid > li').count()).resolves.toBeGreaterThan(1);
    // Progress: the sidebar badge of this lesson counts the pass (the lesson may hold other exercises too).
    const lessonExercises = (fs.readFileSync(path.join(site.outDir, exercise.lessonPath, 'index.html'), 'utf8').match(/data-exercise-id="/g) ?? []).length;
    await expect
      .poll(() => page.locator(`#starlight__sidebar a[href$="${exercise.lessonPath}"] .progress-badge`).getAttribute('title'), { timeout: 10_000 })
      .toBe(lessonExercises === 1 ? 'exercise passed' : `1 of ${lessonExercises} exercises passed`);
    // Wait for the reference curve so the screenshot shows it.
    await page.waitForFunction(() => !document.querySelector('.exercise-reference-note'), null, { timeout: 120_000 });
    await shoot(page, 'pass-light-1280');
    await closeClean(tracked);
  });

  it('keeps the code across a reload (autosave)', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    const code = `${exercise.starter.trimEnd()}\n// my note ${Date.now()}\n`;
    await setCode(page, code);
    await expect.poll(() => savedCode(page), { timeout: 10_000 }).toBe(code);
    // The reload cancels requests still in flight (the editor's TypeScript worker).
    await reloadKeepingErrors(tracked, async () => {
      await loadEditor(page);
      await island(page).and(page.locator('[data-editor-state="ready"]')).waitFor({ timeout: 90_000 });
    });
    await expect(editorText(page)).resolves.toContain('// my note');
    await closeClean(tracked);
  });

  it('shows hints one at a time', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    const root = page.locator(`[data-exercise-id="${exercise.id}"]`);
    expect(exercise.hints.length).toBeGreaterThan(0);
    await expect(root.locator('.exercise-hints li').count()).resolves.toBe(0);
    for (let i = 0; i < exercise.hints.length; i++) {
      await root.getByRole('button', { name: `Hint ${i + 1} of ${exercise.hints.length}` }).click();
      await expect(root.locator('.exercise-hints li').count()).resolves.toBe(i + 1);
      await expect(root.locator('.exercise-hints li').last().innerText()).resolves.toContain(exercise.hints[i].slice(0, 30));
    }
    await expect(root.getByRole('button', { name: 'No more hints' }).isDisabled()).resolves.toBe(true);
    await closeClean(tracked);
  });

  it('reset asks first, and cancelling keeps the code', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    const mine = `${exercise.starter.trimEnd()}\n// keep me\n`;
    await setCode(page, mine);
    await expect.poll(() => savedCode(page), { timeout: 10_000 }).toBe(mine);
    const root = page.locator(`[data-exercise-id="${exercise.id}"]`);
    await root.getByRole('button', { name: 'Reset to starter' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset to the starter code?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog.count()).resolves.toBe(0);
    await expect(editorText(page)).resolves.toContain('// keep me');
    await root.getByRole('button', { name: 'Reset to starter' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replace my code' }).click();
    await expect.poll(() => savedCode(page), { timeout: 10_000 }).toBe(exercise.starter);
    await expect(editorText(page)).resolves.not.toContain('// keep me');
    await closeClean(tracked);
  });

  it('is usable from the keyboard: Escape leaves the editor, Ctrl+M then Tab too', async () => {
    const tracked = await openExercise();
    const { page } = tracked;
    await page.locator('.exercise-editor .view-lines').click();
    await page.keyboard.press('Escape');
    await expect(page.evaluate(() => document.activeElement?.textContent ?? '')).resolves.toMatch(/^Run/);
    await page.locator('.exercise-editor .view-lines').click();
    await page.keyboard.press('Control+m');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'))).resolves.toBe(false);
    await closeClean(tracked);
  });

  it('the editor follows the site theme when it changes', async () => {
    const tracked = await openExercise({ theme: 'light' });
    const { page } = tracked;
    const editor = page.locator(`[data-exercise-id="${exercise.id}"] .monaco-editor`).first();
    await expect(editor.getAttribute('class')).resolves.toMatch(/\bvs\b/);
    await setTheme(page, 'dark');
    await expect.poll(() => editor.getAttribute('class')).toMatch(/\bvs-dark\b/);
    await setTheme(page, 'light');
    await expect.poll(() => editor.getAttribute('class')).not.toMatch(/\bvs-dark\b/);
    await closeClean(tracked);
  });

  it('exports progress to a file and imports it back; a bad file gets a clear message', async () => {
    const tracked = await openPage(browser);
    const { page } = tracked;
    await page.goto(`${site.url}/`);
    await page.evaluate((id) => {
      localStorage.setItem('initlab:progress', JSON.stringify({ v: 1, exercises: { [id]: { status: 'passed', attempts: 2 } } }));
      localStorage.setItem(`initlab:code:${id}`, JSON.stringify({ v: 1, code: '// exported code', savedAt: '2026-11-22T10:00:00.000Z' }));
    }, exercise.id);
    await reloadKeepingErrors(tracked);
    const summary = page.locator('#progress-summary');
    await expect(summary.innerText()).resolves.toMatch(/1 of \d+ exercises? passed/);
    const [download] = await Promise.all([page.waitForEvent('download'), summary.getByRole('button', { name: 'Export progress' }).click()]);
    const file = path.join(SHOTS, '..', 'exercise-progress-export.json');
    await download.saveAs(file);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(exported.format).toBe('initlab-progress');
    expect(exported.exercises[exercise.id]).toMatchObject({ status: 'passed', attempts: 2, code: '// exported code' });

    await page.evaluate(() => localStorage.clear());
    await reloadKeepingErrors(tracked);
    await expect(summary.innerText()).resolves.toMatch(/0 of \d+ exercises? passed/);

    await summary.locator('input[type="file"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
    await expect.poll(() => summary.locator('[role="status"]').innerText()).toMatch(/not an initlab progress file.*Nothing was imported/);

    await summary.locator('input[type="file"]').setInputFiles(file);
    await expect.poll(() => summary.innerText()).toMatch(/1 of \d+ exercises? passed/);
    await expect(summary.locator('[role="status"]').innerText()).resolves.toMatch(/Imported \d+ exercises?.*restored saved code for 1/);
    expect(await page.evaluate((id) => JSON.parse(localStorage.getItem(`initlab:code:${id}`)!).code, exercise.id)).toBe('// exported code');
    await closeClean(tracked);
  });

  it('screenshots: pass, fail and error in dark, and narrow 390 px', async () => {
    for (const [theme, width] of [
      ['dark', 1280],
      ['light', 390],
      ['dark', 390],
    ] as const) {
      const tracked = await openExercise({ theme, width });
      const { page } = tracked;
      await setCode(page, exercise.solution);
      await page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: /^Run/ }).click();
      expect(await waitForOutcome(page)).toBe('done');
      await page.waitForFunction(() => !document.querySelector('.exercise-reference-note'), null, { timeout: 120_000 });
      await shoot(page, `pass-${theme}-${width}`);
      await setCode(page, exercise.wrong?.code ?? exercise.starter);
      await page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: /^Run/ }).click();
      // The verdict on screen was the pass: waiting for "Not yet" waits for this run's own verdict.
      await expect.poll(() => page.locator(`[data-exercise-id="${exercise.id}"] .exercise-verdict`).innerText(), { timeout: 150_000 }).toMatch(/^Not yet\./);
      expect(await waitForOutcome(page)).toBe('done');
      await shoot(page, `fail-${theme}-${width}`);
      await setCode(page, 'export default function init(layer: LayerInfo): Weights {\n  return layer.fanIn;\n}\n');
      await page.locator(`[data-exercise-id="${exercise.id}"]`).getByRole('button', { name: /^Run/ }).click();
      expect(await waitForOutcome(page)).toBe('blocked');
      await shoot(page, `error-${theme}-${width}`);
      if (width === 390) {
        // Editor and plots stack: nothing in the block is wider than the viewport.
        const overflow = await page.evaluate((id) => {
          const block = document.querySelector(`[data-exercise-id="${id}"]`)!;
          return [...block.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.exercise-table-scroll, .monaco-editor, .katex-display')).length;
        }, exercise.id);
        expect(overflow).toBe(0);
      }
      await closeClean(tracked);
    }
  });
});

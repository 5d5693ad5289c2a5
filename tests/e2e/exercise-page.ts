/**
 * Driving an exercise block on a lesson page the way a learner does: load the editor by clicking the
 * code, paste code into Monaco, press Run and wait for that run's outcome. Shared by the exercise e2e tests.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TrackedPage } from './harness';

/** The phases an exercise block ends a run in (data-phase on .exercise-island). */
const FINAL_PHASES = ['done', 'error', 'blocked'];

export const exerciseBlock = (page: Page, id: string): Locator => page.locator(`[data-exercise-id="${id}"]`);
export const exerciseIsland = (page: Page, id: string): Locator => page.locator(`[data-exercise-id="${id}"] .exercise-island`);

/** The editor loads when the learner clicks the starter code (once the island has hydrated, which the click waits for). */
export async function loadEditor(page: Page, id: string): Promise<void> {
  await expect.poll(async () => {
    await exerciseBlock(page, id).locator('pre.exercise-static-code').click({ timeout: 5_000 }).catch(() => {});
    return exerciseIsland(page, id).getAttribute('data-editor-state');
  }, { timeout: 60_000 }).not.toBe('static');
}

/** loadEditor, then waits until Monaco is up. */
export async function loadEditorAndWait(page: Page, id: string): Promise<void> {
  await loadEditor(page, id);
  await exerciseIsland(page, id).and(page.locator('[data-editor-state="ready"]')).waitFor({ timeout: 90_000 });
}

/**
 * Replaces the editor's text the way a learner pasting code would: select all, delete, paste.
 * (Typing it instead would go through auto-indent and auto-closing brackets and change the code.)
 */
export async function setCode(page: Page, id: string, code: string): Promise<void> {
  await exerciseBlock(page, id).locator('.exercise-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, code);
}

/** The visible editor text (Monaco renders spaces as no-break spaces). */
export async function editorText(page: Page, id: string): Promise<string> {
  return (await exerciseBlock(page, id).locator('.exercise-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/** The code autosaved for an exercise in this browser, or null. */
export async function savedCode(page: Page, id: string): Promise<string | null> {
  return page.evaluate((exerciseId) => {
    const raw = localStorage.getItem(`initlab:code:${exerciseId}`);
    return raw === null ? null : (JSON.parse(raw).code as string);
  }, id);
}

/** Waits until the block shows a final phase (of whichever run) and returns it. */
export async function waitForOutcome(page: Page, id: string, timeout = 150_000): Promise<string> {
  await page.waitForFunction(
    ({ exerciseId, finals }) => finals.includes(document.querySelector(`[data-exercise-id="${exerciseId}"] .exercise-island`)?.getAttribute('data-phase') ?? ''),
    { exerciseId: id, finals: FINAL_PHASES },
    { timeout },
  );
  return (await exerciseIsland(page, id).getAttribute('data-phase'))!;
}

/**
 * Presses Run and waits for the outcome of this run, not an earlier one still on screen: the block must
 * have passed through "checking" (every run starts there) before a final phase counts.
 */
export async function runAndWait(page: Page, id: string, timeout = 150_000): Promise<string> {
  await exerciseIsland(page, id).evaluate((island) => {
    const seen: string[] = [];
    (island as unknown as { phasesSeen: string[] }).phasesSeen = seen;
    new MutationObserver(() => seen.push(island.getAttribute('data-phase') ?? '')).observe(island, { attributes: true, attributeFilter: ['data-phase'] });
  });
  await exerciseBlock(page, id).getByRole('button', { name: /^Run/ }).click();
  await page.waitForFunction(
    ({ exerciseId, finals }) => {
      const island = document.querySelector(`[data-exercise-id="${exerciseId}"] .exercise-island`) as (Element & { phasesSeen?: string[] }) | null;
      return !!island?.phasesSeen?.includes('checking') && finals.includes(island.getAttribute('data-phase') ?? '');
    },
    { exerciseId: id, finals: FINAL_PHASES },
    { timeout },
  );
  return (await exerciseIsland(page, id).getAttribute('data-phase'))!;
}

/** Closes a page, failing the test on any console error, page error or failed request it saw. */
export async function closeClean(tracked: TrackedPage): Promise<void> {
  const errors = [...tracked.errors];
  await tracked.close();
  expect(errors).toEqual([]);
}

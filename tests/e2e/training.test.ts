/**
 * The training widget in a real browser (lesson 1): it trains in its Web Worker with the keyboard, its loss
 * curves change when the init changes, Stop ends a run early, the table alternative holds the plotted
 * numbers, and no console errors. Writes screenshots of the trained widget (light and dark, 1280 and 390 px)
 * to test-output/screenshots/training-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT, openPage } from './harness';
import { siteSession } from './site-session';

const LESSON = '/lessons/01-explode-vanish/';
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'screenshots');

const session = siteSession();

async function openWidget(page: Page): Promise<Locator> {
  await page.goto(`${session.site.url}${LESSON}`, { waitUntil: 'networkidle' });
  const widget = page.locator('.widget[data-widget="TrainingWidget"]');
  await widget.scrollIntoViewIfNeeded();
  await widget.locator('.widget-chart canvas').first().waitFor({ state: 'attached', timeout: 30_000 });
  return widget;
}

/** Leaves exactly these init checkboxes checked, using the keyboard (focus + Space). */
async function chooseInits(widget: Locator, labels: RegExp[]): Promise<void> {
  const boxes = widget.locator('.widget-train__inits input[type="checkbox"]');
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    const label = (await box.locator('xpath=..').textContent()) ?? '';
    const want = labels.some((l) => l.test(label));
    if ((await box.isChecked()) !== want) {
      await box.focus();
      await box.press('Space');
    }
  }
}

async function trainAndWait(widget: Locator): Promise<void> {
  const train = widget.getByRole('button', { name: 'Train' });
  await train.focus();
  await train.press('Enter');
  await expect.poll(() => widget.locator('.widget-train__status').textContent(), { timeout: 120_000 }).toMatch(/^Done/);
}

const lossChartPixels = (widget: Locator) => widget.locator('.widget-chart canvas').first().evaluate((c) => (c as HTMLCanvasElement).toDataURL());

test('trains; the curves change with the init; the table alternative has the numbers', async () => {
  const { page, errors, close } = await openPage(session.browser);
  const widget = await openWidget(page);
  await chooseInits(widget, [/^\s*He/]);
  await trainAndWait(widget);
  const heReadout = await widget.locator('.widget-train__readout').textContent();
  // The numbers lesson 1 quotes (measured in Node on WASM, seed 1) are what the widget measures in the browser.
  expect(heReadout).toContain('He: Var = 2/fan_in: loss 3.33 → 0.48, held-out accuracy 83.0 %');
  const hePixels = await lossChartPixels(widget);

  await chooseInits(widget, [/N\(0, 0\.01²\)/]);
  await trainAndWait(widget);
  const smallReadout = await widget.locator('.widget-train__readout').textContent();
  // Too small: the loss stays at ln 10 = 2.30 (chance) over the whole run.
  expect(smallReadout).toMatch(/N\(0, 0\.01²\): loss 2\.30\d* → 2\.30\d*/);
  expect(await lossChartPixels(widget)).not.toBe(hePixels);

  const table = widget.locator('.widget-table');
  await table.locator('summary').click();
  const rows = table.locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(10);
  expect(await rows.first().locator('th').textContent()).toContain('N(0, 0.01²), step 0');
  expect(errors).toEqual([]);
  await close();
});

test('Stop ends the run early and the widget can train again', async () => {
  const { page, errors, close } = await openPage(session.browser);
  const widget = await openWidget(page);
  await chooseInits(widget, [/^\s*He/, /LeCun/, /orthogonal/]);
  await widget.locator('select').nth(3).selectOption('400');
  await widget.getByRole('button', { name: 'Train' }).click();
  await expect.poll(async () => Number(await widget.locator('progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0);
  await widget.getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => widget.locator('.widget-train__status').textContent(), { timeout: 30_000 }).toMatch(/^Stopped after \d+ of 1200 steps\./);
  const done = Number(/Stopped after (\d+)/.exec((await widget.locator('.widget-train__status').textContent())!)![1]);
  expect(done).toBeLessThan(1200);
  expect(await widget.getByRole('button', { name: 'Train' }).isEnabled()).toBe(true);
  expect(errors).toEqual([]);
  await close();
});

test('screenshots of the trained widget, light and dark, 1280 and 390 px', async () => {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      const { page, errors, close } = await openPage(session.browser, { width, height: 900, colorScheme });
      const widget = await openWidget(page);
      await trainAndWait(widget);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const file = path.join(SCREENSHOT_DIR, `training-${colorScheme}-${width}.png`);
      await widget.screenshot({ path: file });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      expect(errors).toEqual([]);
      await close();
    }
  }
});

/**
 * What the training e2e tests measure on a page: its long tasks (PerformanceObserver 'longtask', recorded from
 * the first script on), and screenshots of one element clipped from a full-page capture (so Starlight's fixed
 * header, drawn where the viewport is, does not cover it), in both themes and at both widths.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { setTheme } from './harness';

/** Starts recording the page's long tasks; call before the page is loaded. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The page's clock (performance.now()), to pass to longTasksSince. */
export const pageNow = (page: Page): Promise<number> => page.evaluate(() => performance.now());

/** Durations (ms, rounded) of the long tasks that started at or after `since` (page clock). */
export function longTasksSince(page: Page, since: number): Promise<number[]> {
  return page.evaluate(
    (t0) => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter((t) => t.start >= t0).map((t) => Math.round(t.duration)),
    since,
  );
}

export async function shootElement(page: Page, element: Locator, file: string): Promise<void> {
  const box = await element.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
    window.scrollTo(0, 0);
    return box;
  });
  await page.screenshot({ path: file, fullPage: true, clip: box });
}

/**
 * Shows the page in light and dark at 1280 and 390 px, checking that nothing scrolls sideways, and calls
 * `shoot` in each.
 */
export async function inEachThemeAndWidth(page: Page, shoot: (theme: 'light' | 'dark', width: number) => Promise<void>): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shoot(theme, width);
    }
  }
}

/**
 * Wide display formulas and Markdown tables scroll sideways on narrow screens (site.css). A region that
 * actually overflows is made keyboard-focusable (so arrow keys scroll it: WCAG 2.1.1, axe's
 * scrollable-region-focusable) and marked `data-scrolls`, which site.css uses to draw an edge shadow on
 * the side that has more to see. Re-checked when the region resizes (rotation, window width).
 */
const SELECTOR = '.sl-markdown-content .katex-display, .sl-markdown-content table';

function update(region: HTMLElement): void {
  const scrolls = region.scrollWidth > region.clientWidth + 1;
  if (scrolls === (region.dataset.scrolls === 'true')) return;
  if (scrolls) {
    region.dataset.scrolls = 'true';
    region.tabIndex = 0;
  } else {
    delete region.dataset.scrolls;
    region.removeAttribute('tabindex');
  }
}

function start(): void {
  const regions = [...document.querySelectorAll<HTMLElement>(SELECTOR)];
  if (regions.length === 0) return;
  const observer = new ResizeObserver((entries) => entries.forEach((e) => update(e.target as HTMLElement)));
  for (const region of regions) {
    update(region);
    observer.observe(region);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();

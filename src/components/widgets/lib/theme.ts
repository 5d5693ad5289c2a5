import { useEffect, useState } from 'preact/hooks';

export type SiteTheme = 'light' | 'dark';

function currentTheme(): SiteTheme {
  if (typeof document === 'undefined') return 'light';
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

/** Starlight's current colour theme (the `data-theme` attribute of <html>), updated when the reader switches it. */
export function useSiteTheme(): SiteTheme {
  const [theme, setTheme] = useState<SiteTheme>('light');
  useEffect(() => {
    setTheme(currentTheme());
    const observer = new MutationObserver(() => setTheme(currentTheme()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

export interface ChartColors {
  text: string;
  grid: string;
  /** Series colours, distinguishable in both themes and for common colour-vision deficiencies. */
  series: string[];
  /** Colour of theory / reference lines (drawn dashed). */
  theory: string;
  fill: string;
  /** Fill and edge of an allowed band (the grader's band in the exercise plot). */
  band: string;
  bandEdge: string;
}

export function chartColors(theme: SiteTheme): ChartColors {
  return theme === 'dark'
    ? { text: '#c8ccd4', grid: 'rgba(200,204,212,0.15)', series: ['#6cb6ff', '#ff9e64', '#4fd6be', '#d2a8ff', '#ff7b72', '#c9d1d9', '#e3b341'], theory: '#e6e6e6', fill: 'rgba(108,182,255,0.35)',
      band: 'rgba(74, 222, 128, 0.14)', bandEdge: 'rgba(74, 222, 128, 0.55)' }
    : { text: '#353841', grid: 'rgba(53,56,65,0.12)', series: ['#0b63c9', '#c2410c', '#047857', '#7e22ce', '#b91c1c', '#4b5563', '#8a5a00'], theory: '#23262d', fill: 'rgba(11,99,201,0.3)',
      band: 'rgba(22, 163, 74, 0.12)', bandEdge: 'rgba(22, 163, 74, 0.55)' };
}

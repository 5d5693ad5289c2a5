/**
 * The formulas' HTML is rendered at build time by the KaTeX that rehype-katex imports; the CSS and fonts are
 * served from the site's own `katex` dependency (astro.config.mjs customCss). Both must be one release, or the
 * markup and the styles drift apart (0.16 markup under 0.19 styles, as once happened).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('KaTeX', () => {
  it('renders and styles from the same release', () => {
    const styled = require('katex/package.json') as { version: string };
    // rehype-katex exports only its entry file: resolve katex the way that file does.
    const rehypeEntry = require.resolve('rehype-katex');
    const rendering = createRequire(rehypeEntry)('katex/package.json') as { version: string };
    expect(rendering.version).toBe(styled.version);
  });
});

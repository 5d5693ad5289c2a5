import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '~/markdown/render-markdown';

describe('math in Markdown (rehype-katex-strict)', () => {
  test('renders good formulas to KaTeX HTML at build time', async () => {
    const html = await renderMarkdown('Inline $\\sqrt{2/n}$ and\n\n$$\n\\mathrm{Var}[y] = n\\,\\mathrm{Var}[w]\n$$\n', '/course/lesson.md');
    expect(html).toContain('class="katex"');
    expect(html).toContain('katex-display');
    expect(html).not.toContain('katex-error');
  });

  test('a formula KaTeX cannot parse fails with the file, the line and the formula', async () => {
    const source = 'Fine $x$.\n\nBroken: $\\frac{a}{b$ here.\n\n$$\n\\sigma = \\notamacro{x}\n$$\n';
    const error = await renderMarkdown(source, '/course/broken.md').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = error!.message;
    expect(message).toContain('KaTeX could not render 2 formula(s)');
    expect(message).toMatch(/broken\.md:3: cannot render formula `\\frac\{a\}\{b`/);
    expect(message).toMatch(/broken\.md:6: cannot render formula `\\sigma = \\notamacro\{x\}`/);
    expect(message).toContain('Undefined control sequence: \\notamacro');
  });
});

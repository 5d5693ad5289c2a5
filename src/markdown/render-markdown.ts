/**
 * Markdown → HTML at build time for text that lives outside the content collection (an exercise's
 * task.md), with the same math pipeline as the lessons: a bad formula fails the build naming the file.
 */
import { createMarkdownProcessor, type MarkdownProcessor } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatexStrict from './rehype-katex-strict.mjs';
import { pathToFileURL } from 'node:url';

let processor: Promise<MarkdownProcessor> | undefined;

export async function renderMarkdown(markdown: string, filePath: string): Promise<string> {
  processor ??= createMarkdownProcessor({
    remarkPlugins: [remarkMath],
    rehypePlugins: [[rehypeKatexStrict, { strict: 'ignore' }]],
  });
  const { code } = await (await processor).render(markdown, { fileURL: pathToFileURL(filePath) } as never);
  return code;
}

// @ts-check
/**
 * rehype-katex, but a formula KaTeX cannot parse fails the build.
 *
 * rehype-katex never throws, even with `throwOnError: true`: it records a vfile message and ships the
 * formula as red `.katex-error` text. This wrapper runs it, then turns any such message into an error
 * that names the file, the line and the formula.
 */
import rehypeKatex from 'rehype-katex';
import { toText } from 'hast-util-to-text';
import path from 'node:path';

/**
 * @this {any}
 * @param {import('rehype-katex').Options} [options]
 */
export default function rehypeKatexStrict(options = {}) {
  // rehype-katex's own `throwOnError` only adds a message (it is not in its Options type either).
  const transform = rehypeKatex.call(this, /** @type {any} */ ({ ...options, throwOnError: true }));
  /** @param {any} tree @param {import('vfile').VFile} file */
  return function (tree, file) {
    const before = file.messages.length;
    transform(tree, file);
    const failures = file.messages.slice(before).filter((m) => m.source === 'rehype-katex');
    if (failures.length === 0) return;
    const where = file.path ? path.relative(process.cwd(), file.path) : '(unknown file)';
    const lines = failures.map((m) => {
      const element = /** @type {any} */ (m.ancestors?.[m.ancestors.length - 1]);
      const formula = element ? toText(element, { whitespace: 'pre' }).trim() : '(formula not found)';
      const line = lineOf(m, formula, String(file.value ?? ''));
      const reason = m.cause instanceof Error ? m.cause.message : String(m.reason);
      return `  ${where}${line ? `:${line}` : ''}: cannot render formula \`${formula}\`\n    ${reason}`;
    });
    const error = new Error(`KaTeX could not render ${failures.length} formula(s) in ${where}:\n${lines.join('\n')}`);
    error.name = 'KaTeXFormulaError';
    throw error;
  };
}

/**
 * Line of the failing formula: from the message's position, else from the nearest positioned ancestor
 * (MDX drops positions on display math), else by finding the formula in the source.
 * @param {any} message @param {string} formula @param {string} source
 */
function lineOf(message, formula, source) {
  const place = message.place;
  if (place && 'start' in place && place.start?.line) return place.start.line;
  if (place?.line) return place.line;
  const index = formula ? source.indexOf(formula) : -1;
  if (index >= 0) return source.slice(0, index).split('\n').length;
  for (const ancestor of [...(message.ancestors ?? [])].reverse()) {
    if (ancestor.position?.start?.line) return ancestor.position.start.line;
  }
  return undefined;
}

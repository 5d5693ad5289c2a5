/**
 * Build-time loading of content/quizzes/<file>.yaml for the <Quiz file="..."> block (runs in Node
 * during `astro build` / `astro dev`, never in the browser): validated by the quiz schema, Markdown
 * and math rendered to HTML with the lessons' pipeline. Errors name the lesson, the file and the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from '../markdown/render-markdown';
import { numericTarget, parseQuizYaml, QuizSpecError } from './quiz-schema';
import type { Tolerance } from './answers';

export type RenderedQuestion =
  | {
      id: string;
      kind: 'numeric';
      promptHtml: string;
      explanationHtml: string;
      /** The value answers are graded against. */
      target: number;
      /** The answer as the explanation states it (shown on reveal). */
      answer: number;
      tolerance: Tolerance;
      unit?: string;
      mistakes: { answer: number; explanationHtml: string }[];
    }
  | {
      id: string;
      kind: 'choice';
      promptHtml: string;
      explanationHtml?: string;
      options: { textHtml: string; correct: boolean; explanationHtml: string }[];
    };

export class QuizLoadError extends Error {
  /** For a Markdown field that cannot be rendered: the field (e.g. "questions[1].prompt") and what is wrong. */
  constructor(message: string, readonly field?: string, readonly detail?: string) {
    super(message);
    this.name = 'QuizLoadError';
  }
}

export const QUIZ_FILE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function quizzesDir(root = process.cwd()): string {
  return path.join(root, 'content', 'quizzes');
}

/** Reads, validates and renders content/quizzes/<file>.yaml; `usedBy` is the lesson file, for messages. */
export async function loadQuiz(file: unknown, usedBy: string, dir = quizzesDir()): Promise<RenderedQuestion[]> {
  if (typeof file !== 'string' || !QUIZ_FILE_NAME.test(file)) {
    throw new QuizLoadError(`${usedBy}: <Quiz file=…>: expected the name of a file in content/quizzes/ without .yaml, like "04-relu-he", found ${JSON.stringify(file)}`);
  }
  const full = path.join(dir, `${file}.yaml`);
  const rel = path.relative(process.cwd(), full);
  if (!fs.existsSync(full)) {
    const known = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)) : [];
    throw new QuizLoadError(`${usedBy}: <Quiz file="${file}" />: there is no file ${rel}${known.length ? ` (quizzes that exist: ${known.join(', ')})` : ''}`);
  }
  let quiz;
  try {
    quiz = parseQuizYaml(fs.readFileSync(full, 'utf8'), rel);
  } catch (error) {
    if (error instanceof QuizSpecError) throw new QuizLoadError(`${usedBy}: <Quiz file="${file}" />: ${error.message}`);
    throw error;
  }
  const render = async (markdown: string, field: string) => {
    try {
      return await renderMarkdown(markdown, full);
    } catch (error) {
      const reason = (error as Error).message;
      const katex = reason.match(/cannot render formula (`[^`]*`)\s*\n\s*(.*)/);
      const detail = katex ? `cannot render formula ${katex[1]}: ${katex[2]}` : reason;
      throw new QuizLoadError(`${usedBy}: <Quiz file="${file}" />: ${rel}: ${field}: ${detail}`, field, detail);
    }
  };
  // Option texts sit inside a <label>, which takes phrasing content only: drop the paragraph around them.
  const renderInline = async (markdown: string, field: string) => (await render(markdown, field)).trim().replace(/^<p>([\s\S]*)<\/p>$/, '$1');

  return Promise.all(
    quiz.questions.map(async (q, i): Promise<RenderedQuestion> => {
      const at = `questions[${i}]`;
      const promptHtml = await render(q.prompt, `${at}.prompt`);
      if (q.kind === 'numeric') {
        return {
          id: q.id,
          kind: 'numeric',
          promptHtml,
          explanationHtml: await render(q.explanation, `${at}.explanation`),
          target: numericTarget(q),
          answer: q.answer,
          tolerance: q.tolerance,
          ...(q.unit ? { unit: q.unit } : {}),
          mistakes: await Promise.all(q.mistakes.map(async (m, j) => ({ answer: m.answer, explanationHtml: await render(m.explanation, `${at}.mistakes[${j}].explanation`) }))),
        };
      }
      return {
        id: q.id,
        kind: 'choice',
        promptHtml,
        ...(q.explanation ? { explanationHtml: await render(q.explanation, `${at}.explanation`) } : {}),
        options: await Promise.all(
          q.options.map(async (o, j) => ({
            textHtml: await renderInline(o.text, `${at}.options[${j}].text`),
            correct: o.correct === true,
            explanationHtml: await render(o.explanation, `${at}.options[${j}].explanation`),
          })),
        ),
      };
    }),
  );
}

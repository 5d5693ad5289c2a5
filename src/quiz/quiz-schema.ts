/**
 * A lesson's graded questions: content/quizzes/<lesson-slug>.yaml, shown by `<Quiz file="<lesson-slug>" />`.
 * One zod schema for the build (src/components/Quiz.astro) and `npm run check:content`, so both give
 * the same message: the file, the field, what was expected. Beyond the shape it checks what makes a
 * question gradable: a numeric question's stated answer passes its own tolerance (against `exact`
 * when given) and its listed mistakes fail; a multiple-choice question has exactly one correct option
 * and an explanation for every option. Pure: no DOM, no Node built-ins.
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { describeIssue, type SpecIssue } from '../engine/exercise-schema';
import { ArithmeticError, evaluate } from './arithmetic';
import { describeTolerance, withinTolerance } from './answers';

/** Markdown text; `missing` is the whole message when the field is absent or not text. */
const markdown = (what: string, missing = `expected ${what} (Markdown text)`) => z.string({ error: missing }).trim().min(1, `${what} is empty`);

const questionId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id like "chain-one-percent" (it keys the learner\'s saved progress: do not change it once published)');

const tolerance = z
  .object({
    absolute: z.number().nonnegative().optional(),
    relative: z.number().nonnegative().lt(1, 'a relative tolerance is a fraction: 0.01 means 1 %').optional(),
  })
  .strict()
  .refine((t) => t.absolute !== undefined || t.relative !== undefined, {
    message: 'give "absolute", "relative" or both (absolute: 0 means the exact value)',
  });

const numericQuestion = z
  .object({
    id: questionId,
    kind: z.literal('numeric'),
    prompt: markdown('the question'),
    /** The answer as the explanation states it. */
    answer: z.number(),
    /** Optional formula for the exact value (e.g. "sqrt(2/(1+0.2^2))/sqrt(512)"): answers are graded against it. */
    exact: z.string().min(1).optional(),
    tolerance,
    /** Shown after the input ("layers", "%"); a learner may type it after the number. */
    unit: z.string().min(1).optional(),
    explanation: markdown('the explanation'),
    /** Known wrong answers with what they mean, e.g. 43 for "0.9^43 is still above 1 %". */
    mistakes: z.array(z.object({ answer: z.number(), explanation: markdown('the mistake\'s explanation') }).strict()).default([]),
  })
  .strict()
  .superRefine((q, ctx) => {
    let target = q.answer;
    if (q.exact !== undefined) {
      try {
        target = evaluate(q.exact);
      } catch (error) {
        if (!(error instanceof ArithmeticError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['exact'], message: `cannot evaluate "${q.exact}": ${error.message}` });
        return;
      }
      if (!withinTolerance(q.answer, target, q.tolerance)) {
        ctx.addIssue({
          code: 'custom',
          path: ['answer'],
          message: `the stated answer ${q.answer} is not ${describeTolerance(q.tolerance)} of exact = ${q.exact} = ${target.toPrecision(6)}, so a learner who types it would be marked wrong`,
        });
      }
    }
    q.mistakes.forEach((m, j) => {
      if (withinTolerance(m.answer, target, q.tolerance)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mistakes', j, 'answer'],
          message: `${m.answer} is ${describeTolerance(q.tolerance)} of the answer ${target.toPrecision(6)}, so it would be marked correct: tighten the tolerance or drop this mistake`,
        });
      }
    });
  });

const choiceOption = z
  .object({
    text: markdown('the option text'),
    correct: z.boolean().optional(),
    explanation: markdown('the explanation', 'every option needs an explanation (Markdown text): why it is right or why it is wrong'),
  })
  .strict();

const choiceQuestion = z
  .object({
    id: questionId,
    kind: z.literal('choice'),
    prompt: markdown('the question'),
    options: z.array(choiceOption).min(2, 'a multiple-choice question needs at least two options'),
    /** Optional words shown with the answer after the option explanations. */
    explanation: markdown('the explanation').optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const correct = q.options.filter((o) => o.correct).length;
    if (correct !== 1) ctx.addIssue({ code: 'custom', path: ['options'], message: `expected exactly one option with "correct: true", found ${correct}` });
  });

const question = z.discriminatedUnion('kind', [numericQuestion, choiceQuestion], {
  error: 'expected kind: numeric or kind: choice',
});

export const quizFileSchema = z
  .object({ questions: z.array(question).min(1, 'a quiz needs at least one question') })
  .strict()
  .superRefine((quiz, ctx) => {
    const seen = new Map<string, number>();
    quiz.questions.forEach((q, i) => {
      const first = seen.get(q.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `"${q.id}" is already the id of questions[${first}]` });
      else seen.set(q.id, i);
    });
  });

export type QuizFile = z.infer<typeof quizFileSchema>;
export type QuizQuestion = QuizFile['questions'][number];
export type NumericQuestion = Extract<QuizQuestion, { kind: 'numeric' }>;
export type ChoiceQuestion = Extract<QuizQuestion, { kind: 'choice' }>;

/** The value a numeric question's answers are graded against: `exact` evaluated, else the stated answer. */
export function numericTarget(q: NumericQuestion): number {
  return q.exact !== undefined ? evaluate(q.exact) : q.answer;
}

export class QuizSpecError extends Error {
  /** The same problems as `issues`, one line each: "field: message". */
  readonly problems: string[];
  constructor(readonly file: string, readonly issues: SpecIssue[]) {
    const problems = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
    super(`${file}: invalid quiz\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
    this.name = 'QuizSpecError';
  }
}

/** Parses a quiz file's YAML text; throws QuizSpecError naming `file` and each bad field. */
export function parseQuizYaml(text: string, file: string): QuizFile {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new QuizSpecError(file, [{ message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const result = quizFileSchema.safeParse(data);
  if (!result.success) {
    throw new QuizSpecError(file, result.error.issues.flatMap((issue) => describeIssue(issue)));
  }
  return result.data;
}

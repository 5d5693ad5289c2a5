/**
 * Running and checking exercises on top of the one grading path (submission.ts): `runExercise` for trusted
 * in-process initializers (the engine's tests, widgets), `checkExercise` for exercise folders (check:content,
 * tests). No Node built-ins: reading files, compiling and running learners' code in their own realm belong
 * to the callers (src/cli for Node, src/runner for the browser), which hand in a function that grades one answer.
 */
import { ExerciseSpecError, parseExerciseJson, type Exercise } from './exercise-schema';
import type { InitializerRef } from './initializers';
import type { LearnerInitializer } from './learner-api';
import { gradeSubmission, inProcessLearner, type SubmissionOptions, type SubmissionReport } from './submission';

export type ExerciseRunOptions = SubmissionOptions;
export type ExerciseOutcome = SubmissionReport;

/**
 * Grades a trusted initializer (a reference, or a function of the engine's own tests) on every network of an
 * exercise; the first failing network decides. Learners' code goes through gradeSubmission with its own realm.
 */
export function runExercise(
  exercise: Exercise, initializer: LearnerInitializer | InitializerRef, options: ExerciseRunOptions = {},
): Promise<ExerciseOutcome> {
  return gradeSubmission(exercise, typeof initializer === 'function' ? inProcessLearner(initializer) : initializer, options);
}

/** The files of one exercise folder: paths relative to the folder ("exercise.json", "wrong/x.ts") → text. */
export interface ExerciseFolder {
  /** Folder path for messages, e.g. "exercises/he-relu-50". */
  dir: string;
  files: Record<string, string>;
}

/** Grades one answer's source (compiling it and running it in its own realm is the caller's job). */
export type AnswerGrader = (exercise: Exercise, source: string, file: string) => Promise<Pick<ExerciseOutcome, 'passed' | 'message'> & Partial<Pick<ExerciseOutcome, 'error' | 'verdicts'>>>;

/** A problem found in an exercise folder: the file (folder-relative path prefixed by the folder), where in it, what. */
export interface ExerciseProblem {
  file: string;
  /** The field of exercise.json it is about, e.g. "networks[0].depth". */
  field?: string;
  /** The weight layer an answer's verdict is about (1-based). */
  layer?: number;
  message: string;
}

export interface AnswerCheck {
  file: string;
  role: 'solution' | 'starter' | 'wrong';
  /** What the answer must do: the solution passes; the starter and wrong answers fail (with `expect` in the message). */
  mustPass: boolean;
  expect?: string;
  passed: boolean;
  message: string;
  ok: boolean;
  problem?: ExerciseProblem;
}

export interface ExerciseCheckReport {
  dir: string;
  id?: string;
  ok: boolean;
  /** Problems with the folder itself (spec, missing files). */
  problems: ExerciseProblem[];
  answers: AnswerCheck[];
}

const REQUIRED_FILES = ['exercise.json', 'task.md', 'starter.ts', 'solution.ts'];

/**
 * Checks an exercise folder: the spec is valid and its id matches the folder, the required files exist,
 * the solution passes, the starter fails, each wrong answer fails with its expected message, and no
 * wrong/*.ts file is left unlisted.
 */
export async function checkExercise(folder: ExerciseFolder, gradeAnswer: AnswerGrader): Promise<ExerciseCheckReport> {
  const report: ExerciseCheckReport = { dir: folder.dir, ok: false, problems: [], answers: [] };
  const specFile = `${folder.dir}/exercise.json`;
  for (const file of REQUIRED_FILES) {
    if (folder.files[file] === undefined) report.problems.push({ file: `${folder.dir}/${file}`, message: 'missing' });
  }
  if (folder.files['exercise.json'] === undefined) return report;
  let exercise: Exercise;
  try {
    exercise = parseExerciseJson(folder.files['exercise.json'], specFile);
  } catch (error) {
    if (!(error instanceof ExerciseSpecError)) throw error;
    report.problems.push(...error.issues.map((issue) => ({ file: specFile, ...issue })));
    return report;
  }
  report.id = exercise.id;
  const folderName = folder.dir.split('/').filter(Boolean).pop();
  if (folderName !== exercise.id) report.problems.push({ file: specFile, field: 'id', message: `"${exercise.id}" must equal the folder name "${folderName}"` });
  if (folder.files['task.md'] !== undefined && folder.files['task.md'].trim() === '') report.problems.push({ file: `${folder.dir}/task.md`, message: 'empty' });
  const listed = new Set(exercise.wrongAnswers.map((w) => w.file));
  for (const file of Object.keys(folder.files)) {
    if (file.startsWith('wrong/') && !listed.has(file)) report.problems.push({ file: specFile, field: 'wrongAnswers', message: `${file} exists but is not listed` });
  }

  const plan: Array<Omit<AnswerCheck, 'passed' | 'message' | 'ok'>> = [
    { file: 'solution.ts', role: 'solution', mustPass: true },
    { file: 'starter.ts', role: 'starter', mustPass: false },
    ...exercise.wrongAnswers.map((w) => ({ file: w.file, role: 'wrong' as const, mustPass: false, expect: w.expect })),
  ];
  for (const answer of plan) {
    const source = folder.files[answer.file];
    if (source === undefined) {
      if (answer.role === 'wrong') report.problems.push({ file: specFile, field: 'wrongAnswers', message: `${answer.file} does not exist` });
      continue;
    }
    const file = `${folder.dir}/${answer.file}`;
    const outcome = await gradeAnswer(exercise, source, file);
    const layer = outcome.error?.layer ?? outcome.verdicts?.find((v) => !v.passed)?.firstBadLayer;
    const at = (message: string): ExerciseProblem => ({ file, ...(layer !== undefined ? { layer } : {}), message });
    let problem: ExerciseProblem | undefined;
    if (answer.mustPass && !outcome.passed) problem = at(`the reference solution must pass, but: ${outcome.message}`);
    else if (!answer.mustPass && outcome.passed) problem = { file, message: `must fail, but passed: ${outcome.message}` };
    else if (answer.expect && !outcome.message.includes(answer.expect)) {
      problem = at(`fails as it should, but the message does not contain "${answer.expect}": ${outcome.message}`);
    }
    report.answers.push({ ...answer, passed: outcome.passed, message: outcome.message, ok: !problem, problem });
  }
  report.ok = report.problems.length === 0 && report.answers.every((a) => a.ok);
  return report;
}

/**
 * Running and checking exercises: one implementation for the browser runner, the CLI and `check:content`.
 * No Node built-ins: file reading, TypeScript compilation and time limits belong to the callers
 * (src/cli for Node, src/runner for the browser), which hand in a function that grades one answer.
 */
import { parseExerciseJson, resolveNetwork, type Exercise } from './exercise-schema';
import { grade } from './grading';
import type { InitializerRef } from './initializers';
import { runLab } from './lab';
import { LearnerError, type LearnerInitializer } from './learner-api';
import type { Dataset } from './datasets';
import { initializeWeights } from './lab';
import { trainAndGrade } from './train-grading';
import type { TrainResult } from './train';
import type { LabResult, LayerInfo, LayerStats, Verdict } from './types';

export interface ExerciseRunOptions {
  /** Overrides the exercise's grading seed (tests use many). */
  seed?: number;
  /** Overrides the exercise's batch (tests may use a smaller one where the point allows). */
  batch?: number;
  onLayer?: (stats: LayerStats, phase: 'forward' | 'backward', network: number) => void;
  onInitLayer?: (layer: LayerInfo, network: number) => void;
  /** Loads a shipped dataset by name (Node and browser differ); needed by exercises with a `train` criterion. */
  loadDataset?: (name: 'digits' | 'spirals') => Promise<Dataset>;
}

export interface ExerciseOutcome {
  passed: boolean;
  message: string;
  /** Verdict of each network (absent for networks not reached). */
  verdicts: Verdict[];
  results: LabResult[];
  /** Set when the learner's code itself was rejected (threw, wrong shape, NaN, …). */
  error?: { kind: LearnerError['kind']; layer?: number };
  /** Training runs of a `train` criterion, one per seed graded. */
  training?: TrainResult[];
}

/** Runs an initializer on every network of an exercise and grades it; the first failing network decides. */
export async function runExercise(
  exercise: Exercise, initializer: LearnerInitializer | InitializerRef, options: ExerciseRunOptions = {},
): Promise<ExerciseOutcome> {
  const { criteria } = exercise;
  const verdicts: Verdict[] = [];
  const results: LabResult[] = [];
  for (let n = 0; n < exercise.networks.length; n++) {
    const network = resolveNetwork(exercise.networks[n]);
    const prefix = exercise.networks.length > 1 ? `${network.name}: ` : '';
    let result: LabResult;
    try {
      result = await runLab({
        network, initializer,
        batch: options.batch ?? criteria.batch,
        seed: options.seed ?? criteria.seed,
        backward: criteria.backward !== undefined,
        onLayer: options.onLayer && ((stats, phase) => options.onLayer!(stats, phase, n)),
        onInitLayer: options.onInitLayer && ((layer) => options.onInitLayer!(layer, n)),
      });
    } catch (error) {
      if (error instanceof LearnerError) {
        return { passed: false, message: prefix + error.message, verdicts, results, error: { kind: error.kind, layer: error.layer } };
      }
      throw error;
    }
    results.push(result);
    const verdict = grade(criteria, result);
    verdicts.push(verdict);
    if (!verdict.passed) return { passed: false, message: prefix + verdict.message, verdicts, results };
  }
  const message = verdicts.map((v, i) => (verdicts.length > 1 ? `${results[i].network}: ` : '') + v.message).join('\n');
  if (!criteria.train) return { passed: true, message, verdicts, results };
  return runTrainCriterion(exercise, criteria.train, initializer, options, { verdicts, results });
}

/** After the weight and variance checks pass: train each network from the answer's weights (see train-grading.ts). */
async function runTrainCriterion(
  exercise: Exercise, criterion: NonNullable<Exercise['criteria']['train']>, initializer: LearnerInitializer | InitializerRef,
  options: ExerciseRunOptions, done: Pick<ExerciseOutcome, 'verdicts' | 'results'>,
): Promise<ExerciseOutcome> {
  if (!options.loadDataset) {
    throw new Error(`${exercise.id} trains the network on ${criterion.dataset}, and this runner has no dataset loader (ExerciseRunOptions.loadDataset): grade it with \`npm run grade -- ${exercise.id} <file.ts>\``);
  }
  const dataset = await options.loadDataset(criterion.dataset);
  const training: TrainResult[] = [];
  for (const ref of exercise.networks) {
    const network = resolveNetwork(ref);
    const prefix = exercise.networks.length > 1 ? `${network.name}: ` : '';
    try {
      const { verdict, runs } = await trainAndGrade({ criterion, network, dataset, weightsForSeed: (seed) => initializeWeights(network, initializer, seed) });
      training.push(...runs);
      done.verdicts.push(verdict);
      if (!verdict.passed) return { passed: false, message: prefix + verdict.message, ...done, training };
    } catch (error) {
      if (error instanceof LearnerError) {
        return { passed: false, message: prefix + error.message, ...done, training, error: { kind: error.kind, layer: error.layer } };
      }
      throw error;
    }
  }
  return { passed: true, message: done.verdicts.slice(-exercise.networks.length).map((v) => v.message).join('\n'), ...done, training };
}

/** The files of one exercise folder: paths relative to the folder ("exercise.json", "wrong/x.ts") → text. */
export interface ExerciseFolder {
  /** Folder path for messages, e.g. "exercises/he-relu-50". */
  dir: string;
  files: Record<string, string>;
}

/** Grades one answer's source (compiling, isolating and time-limiting it is the caller's job). */
export type AnswerGrader = (exercise: Exercise, source: string, file: string) => Promise<Pick<ExerciseOutcome, 'passed' | 'message'>>;

export interface AnswerCheck {
  file: string;
  role: 'solution' | 'starter' | 'wrong';
  /** What the answer must do: the solution passes; the starter and wrong answers fail (with `expect` in the message). */
  mustPass: boolean;
  expect?: string;
  passed: boolean;
  message: string;
  ok: boolean;
  problem?: string;
}

export interface ExerciseCheckReport {
  dir: string;
  id?: string;
  ok: boolean;
  /** Problems with the folder itself (spec, missing files). */
  problems: string[];
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
  for (const file of REQUIRED_FILES) {
    if (folder.files[file] === undefined) report.problems.push(`${folder.dir}/${file}: missing`);
  }
  if (folder.files['exercise.json'] === undefined) return report;
  let exercise: Exercise;
  try {
    exercise = parseExerciseJson(folder.files['exercise.json'], `${folder.dir}/exercise.json`);
  } catch (error) {
    report.problems.push((error as Error).message);
    return report;
  }
  report.id = exercise.id;
  const folderName = folder.dir.split('/').filter(Boolean).pop();
  if (folderName !== exercise.id) report.problems.push(`${folder.dir}/exercise.json: id: "${exercise.id}" must equal the folder name "${folderName}"`);
  if (folder.files['task.md'] !== undefined && folder.files['task.md'].trim() === '') report.problems.push(`${folder.dir}/task.md: empty`);
  const listed = new Set(exercise.wrongAnswers.map((w) => w.file));
  for (const file of Object.keys(folder.files)) {
    if (file.startsWith('wrong/') && !listed.has(file)) report.problems.push(`${folder.dir}/exercise.json: wrongAnswers: ${file} exists but is not listed`);
  }

  const plan: Array<Omit<AnswerCheck, 'passed' | 'message' | 'ok'>> = [
    { file: 'solution.ts', role: 'solution', mustPass: true },
    { file: 'starter.ts', role: 'starter', mustPass: false },
    ...exercise.wrongAnswers.map((w) => ({ file: w.file, role: 'wrong' as const, mustPass: false, expect: w.expect })),
  ];
  for (const answer of plan) {
    const source = folder.files[answer.file];
    if (source === undefined) {
      if (answer.role === 'wrong') report.problems.push(`${folder.dir}/exercise.json: wrongAnswers: ${answer.file} does not exist`);
      continue;
    }
    const outcome = await gradeAnswer(exercise, source, `${folder.dir}/${answer.file}`);
    let problem: string | undefined;
    if (answer.mustPass && !outcome.passed) problem = `${folder.dir}/${answer.file}: the reference solution must pass, but: ${outcome.message}`;
    else if (!answer.mustPass && outcome.passed) problem = `${folder.dir}/${answer.file}: must fail, but passed: ${outcome.message}`;
    else if (answer.expect && !outcome.message.includes(answer.expect)) {
      problem = `${folder.dir}/${answer.file}: fails as it should, but the message does not contain "${answer.expect}": ${outcome.message}`;
    }
    report.answers.push({ ...answer, passed: outcome.passed, message: outcome.message, ok: !problem, problem });
  }
  report.ok = report.problems.length === 0 && report.answers.every((a) => a.ok);
  return report;
}

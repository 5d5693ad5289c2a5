/**
 * Grades one learner file in Node, in the calling thread: check and compile it as the editor does
 * (compile.ts), run it in its own realm (learner-host.ts) and grade its weights with the engine's one path
 * (gradeSubmission). The calling thread must have set up its TF.js backend (backend.ts).
 */
import { loadDataset } from '../data/load';
import { gradeSubmission, type Exercise, type SubmissionReport } from '../engine/index';
import { compileLearnerSource, CompileError } from './compile';
import type { NodeBackend } from './backend';
import { nodeLearnerSource } from './learner-host';
import type { LearnerRealmCode } from './learner-realm-code';

export interface GradeSourceOptions {
  seed?: number;
  batch?: number;
  /** Overrides exercise.timeLimitMs. */
  timeLimitMs?: number;
  /** The learner realm's heap in MB. */
  memoryMb?: number;
  /** The learner realm's programs, when a parent thread built them already. */
  realmCode?: LearnerRealmCode;
}

export interface GradeOutcome extends SubmissionReport {
  backend?: NodeBackend;
  /** True when the file could not be compiled (syntax or type errors) or has no initializer: the CLI exits 2. */
  badInput?: boolean;
}

export async function gradeSource(exercise: Exercise, source: string, file: string, options: GradeSourceOptions = {}): Promise<GradeOutcome> {
  let compiledJs: string;
  try {
    compiledJs = compileLearnerSource(source, file);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    return {
      passed: false, message: error.message, checks: [{ name: 'compile', status: 'error', message: error.message }],
      verdicts: [], results: [], training: [], error: { kind: 'compile' }, badInput: true,
    };
  }
  const report = await gradeSubmission(
    exercise,
    nodeLearnerSource({ compiledJs, file, memoryMb: options.memoryMb, code: options.realmCode }),
    { seed: options.seed, batch: options.batch, timeLimitMs: options.timeLimitMs, loadDataset },
  );
  return { ...report, badInput: report.error?.kind === 'not-a-function' || undefined };
}

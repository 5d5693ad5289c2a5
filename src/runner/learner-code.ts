/**
 * The runner's error kind for a failure, from the failure's kind: a learner error's kind as the learner's
 * realm reported it, or where the failure happened. Never from the words of a message (a learner's error
 * text can say anything, "out of memory" included).
 */
import type { LearnerErrorKind } from '../engine/learner-api';
import type { RunErrorKind } from './protocol';

const LEARNER_KINDS: Record<LearnerErrorKind, RunErrorKind> = {
  compile: 'compile',
  'not-a-function': 'compile',
  threw: 'runtime',
  timeout: 'timeout',
  shape: 'invalid-weights',
  dtype: 'invalid-weights',
  length: 'invalid-weights',
  'non-finite': 'invalid-weights',
  async: 'invalid-weights',
  memory: 'memory',
};

export function runErrorKind(learnerKind: LearnerErrorKind): RunErrorKind {
  return LEARNER_KINDS[learnerKind];
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/**
 * Learner failures as the runner's error kinds. Runs inside the learner worker.
 */
import { LearnerError, type LearnerErrorKind } from '../engine/learner-api';
import type { RunErrorKind } from './protocol';

const MEMORY_PATTERN = /array buffer allocation failed|out of memory|\bOOM\b|cannot enlarge memory|allocation failed|Invalid typed array length|Invalid array length|failed to allocate|exceeds the max/i;

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

/** The runner's kind for an engine LearnerError kind or any thrown value; memory failures win. */
export function classifyFailure(message: string, learnerKind?: LearnerErrorKind): RunErrorKind {
  if (MEMORY_PATTERN.test(message)) return 'memory';
  return learnerKind ? LEARNER_KINDS[learnerKind] : 'runtime';
}

export function classifyError(error: unknown): { kind: RunErrorKind; message: string; layer?: number } {
  const message = describe(error);
  if (error instanceof LearnerError) return { kind: classifyFailure(message, error.kind), message: error.message, layer: error.layer };
  const kind = classifyFailure(message);
  return { kind, message: kind === 'memory' ? `Out of memory: ${message}` : message };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/**
 * The reference curve in the results plot: the exercise's own solution.ts, compiled with the same
 * TypeScript worker and run by the same runner on the same backend, so the learner compares against
 * a measurement made exactly like theirs (per-layer statistics and, on a training exercise, the training
 * curve of every graded seed). Measured once per exercise and backend per page.
 */
import type { Exercise } from '../../engine/exercise-schema';
import type { LabResult } from '../../engine/types';
import type { BackendName, TrainedNetwork } from '../../runner/protocol';
import type { LearnerEditor } from './monaco-editor';
import { getRunner } from './runner-connection';

/** The learner pressed Run while the reference was being measured (it is measured again after their run). */
export class ReferenceRunCancelled extends Error {}

export interface ReferenceMeasurement {
  results: LabResult[];
  /** A train criterion's runs of the reference (empty when the exercise does not train). */
  training: TrainedNetwork[];
}

const measured = new Map<string, Promise<ReferenceMeasurement>>();

export function referenceResults(options: {
  spec: Exercise;
  solution: string;
  backend: BackendName;
  editor: LearnerEditor;
}): Promise<ReferenceMeasurement> {
  const key = `${options.spec.id}:${options.backend}`;
  let result = measured.get(key);
  if (!result) {
    result = measure(options);
    measured.set(key, result);
    result.catch(() => measured.delete(key));
  }
  return result;
}

async function measure({ spec, solution, backend, editor }: Parameters<typeof referenceResults>[0]): Promise<ReferenceMeasurement> {
  const compiled = await editor.compileHidden(solution, `${spec.id}-solution`);
  if (compiled.javascript === null) {
    throw new Error(`the reference solution does not compile (${compiled.errors[0]?.message ?? 'no output'})`);
  }
  const runner = await getRunner();
  const outcome = await runner.run({ exercise: spec, compiledJs: compiled.javascript, backend }, () => {});
  if (outcome.status === 'cancelled') throw new ReferenceRunCancelled();
  if (!outcome.results) throw new Error(outcome.error?.message ?? `the reference run ended with status ${outcome.status}`);
  return { results: outcome.results, training: outcome.training ?? [] };
}

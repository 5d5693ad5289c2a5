/**
 * The reference curve in the results plot: the exercise's own solution.ts, compiled with the same
 * TypeScript worker and run by the same runner on the same backend, so the learner compares against
 * a measurement made exactly like theirs. Measured once per exercise and backend per page.
 */
import type { Exercise } from '../../engine/exercise-schema';
import type { LabResult } from '../../engine/types';
import type { BackendName } from '../../runner/protocol';
import type { LearnerEditor } from './monaco-editor';
import { getRunner } from './runner-connection';

/** The learner pressed Run while the reference was being measured (it is measured again after their run). */
export class ReferenceRunCancelled extends Error {}

const measured = new Map<string, Promise<LabResult[]>>();

export function referenceResults(options: {
  spec: Exercise;
  solution: string;
  backend: BackendName;
  editor: LearnerEditor;
}): Promise<LabResult[]> {
  const key = `${options.spec.id}:${options.backend}`;
  let result = measured.get(key);
  if (!result) {
    result = measure(options);
    measured.set(key, result);
    result.catch(() => measured.delete(key));
  }
  return result;
}

async function measure({ spec, solution, backend, editor }: Parameters<typeof referenceResults>[0]): Promise<LabResult[]> {
  const compiled = await editor.compileHidden(solution, `${spec.id}-solution`);
  if (compiled.javascript === null) {
    throw new Error(`the reference solution does not compile (${compiled.errors[0]?.message ?? 'no output'})`);
  }
  const runner = await getRunner();
  const outcome = await runner.run({ exercise: spec, compiledJs: compiled.javascript, backend }, () => {});
  if (outcome.status === 'cancelled') throw new ReferenceRunCancelled();
  if (!outcome.results) throw new Error(outcome.error?.message ?? `the reference run ended with status ${outcome.status}`);
  return outcome.results;
}

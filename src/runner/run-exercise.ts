/**
 * Runs one exercise in the worker: every network of the exercise through the engine's lab with the
 * learner's initializer, streaming layer statistics, then the engine's grade.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { LabResult, LayerStats, RunnableExercise, Verdict } from './engine-contract';

export interface RunExerciseHooks {
  tf: typeof TF;
  initializer: (layer: any, tools: any) => unknown;
  onLayer: (network: string, networkIndex: number, phase: 'forward' | 'backward', stats: LayerStats) => void;
}

export async function runExercise(_exercise: RunnableExercise, _hooks: RunExerciseHooks): Promise<{ verdict: Verdict; results: LabResult[] }> {
  throw new Error('the engine run API is not wired yet');
}

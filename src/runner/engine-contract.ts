/**
 * The engine types the runner passes through. Until the engine's run/grade API lands these mirror
 * ARCHITECTURE.md's contract; afterwards this file only re-exports the engine's own types.
 */
import type { NetworkSpec, LayerInfo } from '~/engine/types';

export type { NetworkSpec, LayerInfo };

/** Per-layer statistics from runLab's onLayer callback (engine-defined). */
export interface LayerStats {
  index: number;
  name: string;
  [key: string]: unknown;
}

/** What runLab resolves to (engine-defined). */
export interface LabResult {
  network: string;
  layers: LayerStats[];
  [key: string]: unknown;
}

/** grade(criteria, result) (engine-defined). */
export interface Verdict {
  passed: boolean;
  message: string;
  firstBadLayer?: number;
  details?: unknown;
}

/** The parts of an exercise the runner needs: an exercise.json as the engine parses it. */
export interface RunnableExercise {
  id: string;
  networks: unknown[];
  criteria: unknown;
  timeLimitMs?: number;
  [key: string]: unknown;
}

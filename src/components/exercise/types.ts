/**
 * What Exercise.astro hands to the exercise island (serialised into the page as props), and the
 * shapes the island shares between its parts.
 */
import type { Exercise } from '../../engine/exercise-schema';
import type { LayerStats } from '../../engine/types';

export interface ExerciseIslandProps {
  /** The exercise.json, as the engine's schema parsed it. */
  spec: Exercise;
  starter: string;
  solution: string;
}

/** One network's streamed statistics, learner's and reference's. */
export interface NetworkRun {
  name: string;
  layers: LayerStats[];
}

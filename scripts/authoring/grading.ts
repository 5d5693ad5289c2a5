/**
 * Runs an exercise's answers through the engine's headless grader. Wired to the engine helper's
 * exercise checker once it lands.
 */
import type { ContentRoot } from './content-root';
import type { LoadedExercise } from './exercises';
import type { Problem } from './problems';

export interface AnswerOutcome {
  /** Answer file relative to the exercise folder: "solution.ts", "starter.ts", "wrong/x.ts". */
  file: string;
  /** What the answer must do. */
  must: 'pass' | 'fail' | 'fail-with';
  /** For wrong answers: the substring the verdict message must contain. */
  expect?: string;
  /** The grader's verdict message (or the error that stopped it). */
  message: string;
  passed: boolean;
  /** Whether the answer behaved as it must. */
  ok: boolean;
  ms: number;
}

export interface ExerciseReport {
  id: string;
  outcomes: AnswerOutcome[];
  problems: Problem[];
  ms: number;
}

export async function gradeExercise(_root: ContentRoot, exercise: LoadedExercise): Promise<ExerciseReport> {
  throw new Error(`grading not wired yet (${exercise.id})`);
}

/**
 * Grades one exercise folder with the engine's `checkExercise` (solution must pass, starter must fail,
 * each wrong answer must fail with its message), using the Node answer grader of the CLI (src/cli/).
 */
import { checkExercise, type ExerciseCheckReport } from '../../src/engine/exercise-run';
import { reportProblems, type LoadedExercise } from './exercises';
import type { Problem } from './problems';
import { nodeAnswerGrader } from '../../src/cli/grade-answer';

export interface ExerciseReport {
  id: string;
  check: ExerciseCheckReport;
  problems: Problem[];
  ms: number;
}

export async function gradeExercise(exercise: LoadedExercise): Promise<ExerciseReport> {
  const started = performance.now();
  const check = await checkExercise(exercise.folder, nodeAnswerGrader());
  return { id: exercise.id, check, problems: reportProblems(exercise, check), ms: performance.now() - started };
}

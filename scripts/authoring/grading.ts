/**
 * Grades one exercise folder with the engine's `checkExercise` (solution must pass, starter must fail,
 * each wrong answer must fail with its message), using the Node answer grader of the CLI (src/cli/).
 */
import { checkExercise, type ExerciseCheckReport } from '../../src/engine/exercise-run';
import { reportProblems, type LoadedExercise } from './exercises';
import type { Problem } from './problems';
import { nodeAnswerGrader } from '../../src/cli/grader-pool';

export interface ExerciseReport {
  id: string;
  check: ExerciseCheckReport;
  problems: Problem[];
  ms: number;
}

export async function gradeExercise(exercise: LoadedExercise): Promise<ExerciseReport> {
  const started = performance.now();
  let check: ExerciseCheckReport;
  try {
    check = await checkExercise(exercise.folder, nodeAnswerGrader());
  } catch (error) {
    // A crash of the grader itself (not a verdict on an answer) is one problem line; the other exercises still run.
    const message = `the grader crashed on this exercise: ${error instanceof Error ? error.message : String(error)}`;
    check = { dir: exercise.folder.dir, ok: false, problems: [], answers: [] };
    return { id: exercise.id, check, problems: [{ file: `${exercise.folder.dir}/`, message }], ms: performance.now() - started };
  }
  return { id: exercise.id, check, problems: reportProblems(exercise, check), ms: performance.now() - started };
}

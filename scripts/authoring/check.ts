/**
 * `npm run check:content`: every page, every exercise, and the links between them; then each complete
 * exercise's reference solution, starter and known-wrong answers through the headless grader.
 */
import type { ContentRoot } from './content-root';
import { loadExercises, type LoadedExercise } from './exercises';
import { checkLinks } from './links';
import { checkPages } from './pages';
import type { Problem } from './problems';
import { gradeExercise, type ExerciseReport } from './grading';

export interface CheckOptions {
  /** Only grade these exercise ids (all pages and specs are still validated). */
  only?: string[];
  /** Skip running answers through the grader (schema, files and links only). */
  skipGrading?: boolean;
  /** Called as each exercise's answers finish, for progress output. */
  onExercise?: (report: ExerciseReport) => void;
}

export interface CheckResult {
  problems: Problem[];
  pages: number;
  lessons: number;
  exercises: LoadedExercise[];
  reports: ExerciseReport[];
}

export async function checkContent(root: ContentRoot, options: CheckOptions = {}): Promise<CheckResult> {
  const pageCheck = await checkPages(root);
  const exerciseLoad = loadExercises(root);
  const linkProblems = checkLinks(
    root,
    pageCheck.pages,
    exerciseLoad.exercises.map((e) => ({ id: e.id, file: e.file, lesson: e.spec?.lesson })),
  );
  const problems = [...pageCheck.problems, ...exerciseLoad.problems, ...linkProblems];

  const reports: ExerciseReport[] = [];
  if (!options.skipGrading) {
    const unknown = (options.only ?? []).filter((id) => !exerciseLoad.exercises.some((e) => e.id === id));
    for (const id of unknown) problems.push({ file: `exercises/${id}/`, message: '--only names no exercise folder' });
    for (const exercise of exerciseLoad.exercises) {
      if (!exercise.complete || !exercise.spec) continue;
      if (options.only && !options.only.includes(exercise.id)) continue;
      const report = await gradeExercise(root, exercise);
      reports.push(report);
      problems.push(...report.problems);
      options.onExercise?.(report);
    }
  }
  return {
    // Grouped by file (stable, so each file's problems keep the order they were found in).
    problems: problems.sort((a, b) => a.file.localeCompare(b.file)),
    pages: pageCheck.pages.length,
    lessons: pageCheck.pages.filter((p) => p.isLesson).length,
    exercises: exerciseLoad.exercises,
    reports,
  };
}

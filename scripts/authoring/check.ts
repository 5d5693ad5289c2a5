/**
 * `npm run check:content`: every page, every exercise, and the links between them; then each
 * exercise's reference solution, starter and known-wrong answers through the headless grader.
 */
import type { ContentRoot } from './content-root';
import { loadExercises, type LoadedExercise } from './exercises';
import { gradeExercise, type ExerciseReport } from './grading';
import { checkLinks } from './links';
import { checkPages } from './pages';
import type { Problem } from './problems';
import { checkQuizzes } from './quizzes';

export interface CheckOptions {
  /** Only grade these exercise ids (every page and spec is still validated). */
  only?: string[];
  /** Skip the grader: page checks, exercise specs and links only. */
  skipGrading?: boolean;
  /** Exercises graded at the same time (each answer runs in its own worker thread). Default 2. */
  jobs?: number;
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
  const exercises = await loadExercises(root);
  const problems = [
    ...pageCheck.problems,
    ...checkLinks(root, pageCheck.pages, exercises.map((e) => ({ id: e.id, file: e.file, lesson: e.spec?.lesson }))),
    ...(await checkQuizzes(root, pageCheck.pages)),
  ];
  for (const id of options.only ?? []) {
    if (!exercises.some((e) => e.id === id)) problems.push({ file: `exercises/${id}/`, message: '--only names no exercise folder' });
  }

  const toGrade: LoadedExercise[] = [];
  for (const exercise of exercises) {
    problems.push(...exercise.taskProblems);
    if (!options.skipGrading && (!options.only || options.only.includes(exercise.id))) toGrade.push(exercise);
    else problems.push(...exercise.specProblems);
  }
  const reports = await inParallel(toGrade, options.jobs ?? 2, async (exercise) => {
    const report = await gradeExercise(exercise);
    options.onExercise?.(report);
    return report;
  });
  for (const report of reports) problems.push(...report.problems);
  return {
    // Grouped by file (a stable sort: each file's problems keep the order they were found in).
    problems: problems.sort((a, b) => a.file.localeCompare(b.file)),
    pages: pageCheck.pages.length,
    lessons: pageCheck.pages.filter((p) => p.isLesson).length,
    exercises,
    reports,
  };
}

/** Maps over `items` with at most `limit` calls running at once; results keep the items' order. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

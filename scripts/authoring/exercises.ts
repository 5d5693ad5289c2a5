/**
 * Reads exercise folders (with the CLI's reader) for the engine's exercise checker (src/engine/exercise-run.ts `checkExercise`,
 * which validates the spec and files and grades the answers), and turns its report into problem lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ExerciseSpecError, parseExerciseJson, type Exercise } from '../../src/engine/exercise-schema';
import type { ExerciseCheckReport, ExerciseFolder, ExerciseProblem } from '../../src/engine/exercise-run';
import { readExerciseFolder } from '../../src/cli/exercise-files';
import { renderMarkdown } from '../../src/markdown/render-markdown';
import { compileProblems } from './pages';
import { relativeTo, type ContentRoot } from './content-root';
import type { Problem } from './problems';

export interface LoadedExercise {
  id: string;
  /** The folder's files, as checkExercise takes them; `dir` is relative to the content root. */
  folder: ExerciseFolder;
  /** exercise.json relative to the content root. */
  file: string;
  /** The validated spec, or undefined when exercise.json is missing or invalid. */
  spec: Exercise | undefined;
  /** Problems with exercise.json found while reading it (checkExercise reports the same ones when grading). */
  specProblems: Problem[];
  /** task.md rendered with the site's Markdown pipeline: a formula KaTeX cannot render, with its line. */
  taskProblems: Problem[];
}

export function listExerciseFolders(root: ContentRoot): string[] {
  if (!fs.existsSync(root.exercisesDir)) return [];
  return fs
    .readdirSync(root.exercisesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('_'))
    .map((entry) => path.join(root.exercisesDir, entry.name))
    .sort();
}

export async function loadExercises(root: ContentRoot): Promise<LoadedExercise[]> {
  const exercises: LoadedExercise[] = [];
  for (const folder of listExerciseFolders(root)) {
    // Paths in messages are relative to the content root, like the pages' ones.
    const dir = relativeTo(root, folder);
    const { files } = await readExerciseFolder(folder);
    const file = `${dir}/exercise.json`;
    const exercise: LoadedExercise = { id: path.basename(folder), folder: { dir, files }, file, spec: undefined, specProblems: [], taskProblems: [] };
    if (files['exercise.json'] === undefined) {
      exercise.specProblems.push({ file, message: 'missing: every exercise folder has exercise.json, task.md, starter.ts and solution.ts' });
    } else {
      try {
        exercise.spec = parseExerciseJson(files['exercise.json'], file);
      } catch (error) {
        if (!(error instanceof ExerciseSpecError)) throw error;
        exercise.specProblems.push(...specErrorProblems(error));
      }
    }
    if (files['task.md'] !== undefined) {
      try {
        await quietly(() => renderMarkdown(files['task.md'], path.join(folder, 'task.md')));
      } catch (error) {
        exercise.taskProblems.push(...compileProblems(`${dir}/task.md`, error));
      }
    }
    exercises.push(exercise);
  }
  return exercises;
}

/**
 * Astro's Markdown processor prints a failure (with a stack trace) before throwing it; the thrown error
 * is reported as one problem line instead. Only used while nothing else runs (pages and tasks are read
 * one after another, before any grading starts).
 */
export async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => {};
  try {
    return await work();
  } finally {
    console.error = original;
  }
}

/** Spec problems field by field, worded like every other problem line. */
function specErrorProblems(error: ExerciseSpecError): Problem[] {
  return error.issues.map((issue) => fromExerciseProblem({ file: error.file, ...issue }));
}

function fromExerciseProblem({ file, field, layer, message }: ExerciseProblem): Problem {
  const where = field !== undefined ? `field \`${field}\`` : layer !== undefined ? `layer ${layer}` : undefined;
  return { file, ...(where ? { where } : {}), message: message.replace(/\s*\n\s*/g, ' / ') };
}

/**
 * Problem lines from checkExercise's report. Spec problems are already reported field by field from our
 * own parse of the same spec (loadExercises), so the report's copies of them are left out.
 */
export function reportProblems(exercise: LoadedExercise, report: ExerciseCheckReport): Problem[] {
  const problems: Problem[] = [...exercise.specProblems];
  const specRead = exercise.specProblems.length > 0;
  for (const problem of report.problems) {
    if (specRead && problem.file === exercise.file) continue;
    problems.push(fromExerciseProblem(problem));
  }
  for (const answer of report.answers) {
    if (answer.problem) problems.push(fromExerciseProblem(answer.problem));
  }
  return problems;
}

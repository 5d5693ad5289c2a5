/**
 * Loads every exercise folder under exercises/: the spec through the engine's schema
 * (src/engine/exercise-schema.ts), then the files the spec and the format promise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ExerciseSpecError, parseExerciseJson, type Exercise } from '../../src/engine/exercise-schema';
import { relativeTo, type ContentRoot } from './content-root';
import type { Problem } from './problems';

export interface LoadedExercise {
  id: string;
  folder: string;
  /** exercise.json relative to the content root. */
  file: string;
  /** The validated spec, or undefined when exercise.json is missing or invalid. */
  spec: Exercise | undefined;
  /** True when every file it names is present: the grader can run it. */
  complete: boolean;
}

/** The files every exercise folder has, besides those its wrongAnswers name. */
export const REQUIRED_FILES = ['exercise.json', 'task.md', 'starter.ts', 'solution.ts'] as const;

export function listExerciseFolders(root: ContentRoot): string[] {
  if (!fs.existsSync(root.exercisesDir)) return [];
  return fs
    .readdirSync(root.exercisesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('_'))
    .map((entry) => path.join(root.exercisesDir, entry.name))
    .sort();
}

export function loadExercises(root: ContentRoot): { exercises: LoadedExercise[]; problems: Problem[] } {
  const exercises: LoadedExercise[] = [];
  const problems: Problem[] = [];
  for (const folder of listExerciseFolders(root)) {
    const { exercise, problems: found } = loadExercise(root, folder);
    exercises.push(exercise);
    problems.push(...found);
  }
  return { exercises, problems };
}

function loadExercise(root: ContentRoot, folder: string): { exercise: LoadedExercise; problems: Problem[] } {
  const id = path.basename(folder);
  const specPath = path.join(folder, 'exercise.json');
  const file = relativeTo(root, specPath);
  const problems: Problem[] = [];
  const exercise: LoadedExercise = { id, folder, file, spec: undefined, complete: false };

  for (const name of REQUIRED_FILES) {
    if (!fs.existsSync(path.join(folder, name))) {
      problems.push({ file: relativeTo(root, path.join(folder, name)), message: `missing: every exercise folder has ${REQUIRED_FILES.join(', ')}` });
    }
  }
  if (!fs.existsSync(specPath)) return { exercise, problems };

  try {
    exercise.spec = parseExerciseJson(fs.readFileSync(specPath, 'utf8'), file);
  } catch (error) {
    if (!(error instanceof ExerciseSpecError)) throw error;
    for (const line of error.problems) {
      const separator = line.indexOf(': ');
      problems.push(
        separator === -1 ? { file, message: line } : { file, where: `field \`${line.slice(0, separator)}\``, message: line.slice(separator + 2) },
      );
    }
    return { exercise, problems };
  }

  const spec = exercise.spec;
  if (spec.id !== id) {
    problems.push({ file, where: 'field `id`', message: `expected "${id}" (the folder's name), found "${spec.id}"` });
  }
  const listed = new Set(spec.wrongAnswers.map((answer) => answer.file));
  spec.wrongAnswers.forEach((answer, i) => {
    if (!fs.existsSync(path.join(folder, answer.file))) {
      problems.push({ file, where: `field \`wrongAnswers[${i}].file\``, message: `${answer.file} does not exist in ${relativeTo(root, folder)}/` });
    }
  });
  const wrongDir = path.join(folder, 'wrong');
  if (fs.existsSync(wrongDir)) {
    for (const name of fs.readdirSync(wrongDir).filter((n) => n.endsWith('.ts')).sort()) {
      if (!listed.has(`wrong/${name}`)) {
        problems.push({
          file: relativeTo(root, path.join(wrongDir, name)),
          message: `not listed in ${file} "wrongAnswers": add { "file": "wrong/${name}", "expect": "<part of the message it must produce>" }`,
        });
      }
    }
  }
  exercise.complete = problems.length === 0;
  return { exercise, problems };
}

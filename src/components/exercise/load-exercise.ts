/**
 * Build-time loading of an exercise folder for the <Exercise id="..."> block (runs in Node during
 * `astro build`, never in the browser). Every failure names the lesson that asked for the exercise
 * and the file (and field) that is wrong, so the build stops with a message an instructor can act on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from '../../markdown/render-markdown';
import { ExerciseSpecError, parseExerciseJson, type Exercise } from '../../engine/exercise-schema';

export interface LoadedExercise {
  spec: Exercise;
  /** task.md rendered to HTML (math rendered by KaTeX). */
  taskHtml: string;
  starter: string;
  solution: string;
}

export class ExerciseLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExerciseLoadError';
  }
}

const defaultExercisesRoot = path.resolve(process.cwd(), 'exercises');

const cache = new Map<string, Promise<LoadedExercise>>();

/**
 * Reads and validates exercises/<id>/. `usedBy` is the lesson file that contains the block, for messages.
 * `exercisesRoot` is the folder of exercise folders (tests point it at fixtures).
 */
export function loadExercise(id: unknown, usedBy: string, exercisesRoot = defaultExercisesRoot): Promise<LoadedExercise> {
  if (typeof id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
    return Promise.reject(
      new ExerciseLoadError(`${usedBy}: <Exercise id=…>: expected a kebab-case exercise id like "he-relu-50", found ${JSON.stringify(id)}`),
    );
  }
  const key = path.join(exercisesRoot, id);
  // Under `astro dev` an author edits these files while the server runs (the page reloads on a change): read afresh.
  let loaded = import.meta.env?.DEV ? undefined : cache.get(key);
  if (!loaded) {
    loaded = readExerciseFolder(exercisesRoot, id, usedBy);
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

/** Ids of the exercise folders that have an exercise.json. */
export function existingExerciseIds(exercisesRoot = defaultExercisesRoot): string[] {
  if (!fs.existsSync(exercisesRoot)) return [];
  return fs.readdirSync(exercisesRoot).filter((name) => fs.existsSync(path.join(exercisesRoot, name, 'exercise.json'))).sort();
}

async function readExerciseFolder(exercisesRoot: string, id: string, usedBy: string): Promise<LoadedExercise> {
  const dir = path.join(exercisesRoot, id);
  const rel = (file: string) => path.relative(process.cwd(), path.join(dir, file));
  if (!fs.existsSync(dir)) {
    const known = existingExerciseIds(exercisesRoot);
    throw new ExerciseLoadError(
      `${usedBy}: <Exercise id="${id}" />: there is no folder ${path.relative(process.cwd(), dir)}/` +
        (known.length ? ` (exercises that exist: ${known.join(', ')})` : ' (no exercises exist yet)'),
    );
  }
  const read = (file: string) => {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) throw new ExerciseLoadError(`${usedBy}: <Exercise id="${id}" />: missing file ${rel(file)}`);
    return fs.readFileSync(full, 'utf8');
  };

  let spec: Exercise;
  try {
    spec = parseExerciseJson(read('exercise.json'), rel('exercise.json'));
  } catch (error) {
    if (error instanceof ExerciseSpecError) {
      throw new ExerciseLoadError(`${usedBy}: <Exercise id="${id}" />: ${error.message}`);
    }
    throw error;
  }
  if (spec.id !== id) {
    throw new ExerciseLoadError(`${usedBy}: <Exercise id="${id}" />: ${rel('exercise.json')}: id: expected "${id}" (the folder name), found "${spec.id}"`);
  }

  const taskSource = read('task.md');
  let taskHtml: string;
  try {
    taskHtml = await renderMarkdown(taskSource, path.join(dir, 'task.md'));
  } catch (error) {
    throw new ExerciseLoadError(`${usedBy}: <Exercise id="${id}" />: ${rel('task.md')}: ${(error as Error).message}`);
  }

  return { spec, taskHtml, starter: read('starter.ts'), solution: read('solution.ts') };
}

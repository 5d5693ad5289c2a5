/** Reads exercise folders from disk for the CLI, check:content and the unit tests. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExerciseJson, type Exercise, type ExerciseFolder } from '../engine/index';

/** The repository's exercises/ folder. */
export const EXERCISES_DIR = fileURLToPath(new URL('../../exercises/', import.meta.url));

/** All files of an exercise folder (exercise.json, task.md, *.ts, wrong/*.ts) keyed by relative path. */
export async function readExerciseFolder(dir: string): Promise<ExerciseFolder> {
  const files: Record<string, string> = {};
  async function walk(relative: string): Promise<void> {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile()) files[rel] = await readFile(path.join(dir, rel), 'utf8');
    }
  }
  await walk('');
  const shown = path.relative(process.cwd(), dir) || dir;
  return { dir: shown.split(path.sep).join('/'), files };
}

export async function listExerciseIds(root = EXERCISES_DIR): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Loads and validates exercises/<id>/exercise.json; throws a message listing the known ids if there is none. */
export async function loadExercise(id: string, root = EXERCISES_DIR): Promise<Exercise> {
  const file = path.join(root, id, 'exercise.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const known = await listExerciseIds(root).catch(() => []);
    throw new Error(`unknown exercise "${id}"; known: ${known.join(', ') || '(none)'}`);
  }
  return parseExerciseJson(text, path.relative(process.cwd(), file) || file);
}

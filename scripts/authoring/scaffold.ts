/**
 * `npm run new -- lesson <slug>` and `npm run new -- exercise <id> --lesson <slug>`: write files that
 * already build and pass `npm run check:content`, never overwriting anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseFrontmatter } from '@astrojs/markdown-remark';
import { SLUG_PATTERN, relativeTo, type ContentRoot } from './content-root';
import { exerciseFiles, lessonTemplate } from './templates';

export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

export interface ScaffoldResult {
  /** Files written, relative to the content root. */
  created: string[];
  /** Files changed, relative to the content root. */
  changed: string[];
  /** What the instructor does next, one step per line. */
  next: string[];
}

function checkSlug(kind: 'lesson slug' | 'exercise id', value: string | undefined, example: string): string {
  if (!value) throw new ScaffoldError(`missing ${kind}: e.g. npm run new -- ${kind === 'lesson slug' ? 'lesson' : 'exercise'} ${example}`);
  if (!SLUG_PATTERN.test(value)) {
    throw new ScaffoldError(
      `${kind} "${value}" is not allowed: use lowercase letters, digits and single hyphens (it becomes part of a URL), e.g. "${example}"`,
    );
  }
  return value;
}

/** "08-weight-decay" → "Weight decay". */
export function titleFromSlug(slug: string): string {
  const words = slug.replace(/^\d+-/, '').split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function lessonFiles(root: ContentRoot): string[] {
  if (!fs.existsSync(root.lessonsDir)) return [];
  return fs.readdirSync(root.lessonsDir).filter((f) => /\.mdx?$/.test(f) && !f.startsWith('_')).sort();
}

function nextLessonOrder(root: ContentRoot): number {
  let highest = 0;
  for (const name of lessonFiles(root)) {
    try {
      const { frontmatter } = parseFrontmatter(fs.readFileSync(path.join(root.lessonsDir, name), 'utf8'));
      if (typeof frontmatter.order === 'number') highest = Math.max(highest, frontmatter.order);
    } catch {
      // A lesson with broken frontmatter is check:content's to report; it just does not count here.
    }
  }
  return highest + 1;
}

function refuseExisting(root: ContentRoot, file: string): void {
  if (fs.existsSync(file)) {
    throw new ScaffoldError(`${relativeTo(root, file)} already exists; nothing was written (choose another name or edit that file)`);
  }
}

export function scaffoldLesson(root: ContentRoot, slugArgument: string | undefined, options: { title?: string } = {}): ScaffoldResult {
  const slug = checkSlug('lesson slug', slugArgument, '08-weight-decay');
  for (const name of lessonFiles(root)) {
    if (name.replace(/\.mdx?$/, '') === slug) refuseExisting(root, path.join(root.lessonsDir, name));
  }
  const file = path.join(root.lessonsDir, `${slug}.mdx`);
  refuseExisting(root, file);
  const title = options.title ?? titleFromSlug(slug);
  fs.mkdirSync(root.lessonsDir, { recursive: true });
  fs.writeFileSync(file, lessonTemplate({ title, order: nextLessonOrder(root) }), { flag: 'wx' });
  return {
    created: [relativeTo(root, file)],
    changed: [],
    next: [
      `Write the lesson in ${relativeTo(root, file)} (see content/guide/authoring.mdx).`,
      `List "${slug}" in a course part in src/site/course-parts.mjs so it appears in the sidebar (until then it shows under "More lessons").`,
      `Preview it: npm run dev, then open /lessons/${slug}/ — and run npm run check:content.`,
    ],
  };
}

export function scaffoldExercise(
  root: ContentRoot,
  idArgument: string | undefined,
  options: { lesson?: string; title?: string } = {},
): ScaffoldResult {
  const id = checkSlug('exercise id', idArgument, 'he-for-relu');
  const lessons = lessonFiles(root).map((f) => f.replace(/\.mdx?$/, ''));
  const lessonSlug = options.lesson?.replace(/^lessons\//, '').replace(/\/$/, '');
  if (!lessonSlug) {
    throw new ScaffoldError(
      `which lesson shows this exercise? add --lesson <slug>, one of: ${lessons.join(', ') || '(no lessons yet: npm run new -- lesson <slug>)'}`,
    );
  }
  const lessonName = lessonFiles(root).find((f) => f.replace(/\.mdx?$/, '') === lessonSlug);
  if (!lessonName) {
    throw new ScaffoldError(`--lesson "${options.lesson}" names no file in content/lessons/; expected one of: ${lessons.join(', ') || '(none)'}`);
  }
  if (!lessonName.endsWith('.mdx')) {
    throw new ScaffoldError(`content/lessons/${lessonName} is plain Markdown, which cannot hold an <Exercise> block: rename it to ${lessonSlug}.mdx first`);
  }
  const folder = path.join(root.exercisesDir, id);
  refuseExisting(root, folder);

  const lessonFile = path.join(root.lessonsDir, lessonName);
  const lessonSource = fs.readFileSync(lessonFile, 'utf8');
  const files = exerciseFiles({ id, title: options.title ?? titleFromSlug(id), lesson: `lessons/${lessonSlug}` });
  // Write into a temporary sibling and rename, so a failure leaves no half-made exercise behind.
  const staging = fs.mkdtempSync(path.join(root.root, `.new-exercise-${id}-`));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(staging, name)), { recursive: true });
      fs.writeFileSync(path.join(staging, name), text);
    }
    fs.mkdirSync(root.exercisesDir, { recursive: true });
    fs.renameSync(staging, folder);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  fs.writeFileSync(lessonFile, embedExercise(lessonSource, id));

  return {
    created: Object.keys(files).map((name) => relativeTo(root, path.join(folder, name))),
    changed: [relativeTo(root, lessonFile)],
    next: [
      `Write the task in exercises/${id}/task.md and adjust the network and criteria in exercise.json.`,
      `Make starter.ts a fair starting point (it must fail), solution.ts the reference (it must pass),`,
      `  and add a file to wrong/ for each mistake you expect, listed in exercise.json "wrongAnswers" with the message it must produce.`,
      `Run npm run check:content -- --only ${id} after each change; preview with npm run dev at /lessons/${lessonSlug}/.`,
    ],
  };
}

const EXERCISE_IMPORT = "import Exercise from '~/components/Exercise.astro';";

/** The lesson with an import of the exercise block (once) and the block appended at its end. */
export function embedExercise(lessonSource: string, id: string): string {
  let source = lessonSource;
  if (!/^import\s+Exercise\s+from\s/m.test(source)) {
    const frontmatterEnd = source.startsWith('---') ? source.indexOf('\n---', 3) : -1;
    if (frontmatterEnd === -1) {
      source = `${EXERCISE_IMPORT}\n\n${source}`;
    } else {
      const afterFence = source.indexOf('\n', frontmatterEnd + 4);
      const cut = afterFence === -1 ? source.length : afterFence + 1;
      const rest = source.slice(cut);
      // MDX reads a line of text right below an import as part of the import: keep a blank line between.
      const separator = rest.startsWith('import ') || rest.startsWith('\n') || rest === '' ? '\n' : '\n\n';
      source = `${source.slice(0, cut)}${EXERCISE_IMPORT}${separator}${rest}`;
    }
  }
  return `${source.replace(/\s*$/, '')}\n\n<Exercise id="${id}" />\n`;
}

/**
 * Cross-checks between pages and exercises: every exercise block names an existing exercise, every
 * exercise names an existing lesson that embeds it, no two lessons share an `order`, and every internal
 * link resolves to a page or a static file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ContentRoot } from './content-root';
import type { PageInfo } from './pages';
import type { Problem } from './problems';
import { countWord, lessonNumbers, lessonUrl } from '../../src/site/lesson-numbers';

/** README.md says how many lessons there are in words ("Seven lessons …"); that word must match the count. */
export function checkReadmeLessonCount(root: ContentRoot, pages: PageInfo[]): Problem[] {
  const readme = path.join(path.dirname(root.contentDir), 'README.md');
  if (!fs.existsSync(readme)) return [];
  const count = pages.filter((p) => p.isLesson).length;
  const problems: Problem[] = [];
  fs.readFileSync(readme, 'utf8').split('\n').forEach((text, i) => {
    for (const match of text.matchAll(/\b(One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|\d+) (?:short )?lessons\b/gi)) {
      if (match[1].toLowerCase() !== countWord(count).toLowerCase() && match[1] !== String(count)) {
        problems.push({ file: 'README.md', where: `line ${i + 1}`, message: `says "${match[0]}", but content/lessons/ has ${count} lesson(s): write "${countWord(count)}"` });
      }
    }
  });
  return problems;
}

/**
 * "lesson N" in a lesson's text must be a link to that lesson, and the link's N must be the number the
 * lesson has now: a bare "lesson 6" goes stale silently when a lesson is inserted before it.
 */
export function checkLessonMentions(pages: PageInfo[]): Problem[] {
  const lessons = pages.filter((p) => p.isLesson && typeof p.frontmatter.order === 'number');
  const numbers = lessonNumbers(lessons.map((p) => ({ id: p.id, order: p.frontmatter.order as number })));
  const byNumber = new Map([...numbers].map(([id, n]) => [n, id]));
  const problems: Problem[] = [];
  for (const page of pages.filter((p) => p.isLesson || p.id === 'index')) {
    for (const mention of page.lessonMentions) {
      const where = `line ${mention.line}`;
      if (mention.url === undefined) {
        const id = byNumber.get(mention.number);
        const fix = id ? `[lesson ${mention.number}](${lessonUrl(id)})` : `a link to the lesson you mean (there is no lesson ${mention.number})`;
        problems.push({ file: page.file, where, message: `"lesson ${mention.number}" in the text goes stale when lessons move; write ${fix}, and check:content keeps the number right` });
        continue;
      }
      const id = mention.url.replace(/^\//, '').replace(/\/(#.*)?$/, '');
      const actual = numbers.get(id);
      if (actual === undefined) continue; // not a lesson page: the link check reports a broken target
      if (actual !== mention.number) {
        problems.push({ file: page.file, where, message: `the link says "lesson ${mention.number}" but ${mention.url} is lesson ${actual} now (lessons are numbered by their \`order\`)` });
      }
    }
  }
  return problems;
}

/** What links.ts needs to know about an exercise folder. */
export interface ExerciseRef {
  id: string;
  /** Path of its exercise.json relative to the content root. */
  file: string;
  /** The `lesson` field, e.g. "lessons/04-relu-he", when the spec has one. */
  lesson: string | undefined;
}

export function checkLinks(root: ContentRoot, pages: PageInfo[], exercises: ExerciseRef[]): Problem[] {
  const problems: Problem[] = [...checkLessonMentions(pages), ...checkReadmeLessonCount(root, pages)];
  const exerciseIds = new Set(exercises.map((e) => e.id));
  const pagesById = new Map(pages.map((p) => [p.id, p]));
  const lessonIds = pages.filter((p) => p.isLesson).map((p) => p.id);

  for (const page of pages) {
    for (const ref of page.exercises) {
      if (exerciseIds.has(ref.value)) continue;
      problems.push({
        file: page.file,
        where: `line ${ref.line}`,
        message: `<Exercise id="${ref.value}"> names no exercise: expected a folder exercises/${ref.value}/ (exercises here: ${listOrNone([...exerciseIds])})`,
      });
    }
  }

  for (const exercise of exercises) {
    if (exercise.lesson === undefined) continue;
    const lesson = pagesById.get(exercise.lesson);
    if (!lesson || !lesson.isLesson) {
      problems.push({
        file: exercise.file,
        where: 'field `lesson`',
        message: `"${exercise.lesson}" names no lesson: expected one of ${listOrNone(lessonIds)}`,
      });
    } else if (lesson.compiled && !lesson.exercises.some((ref) => ref.value === exercise.id)) {
      problems.push({
        file: exercise.file,
        where: 'field `lesson`',
        message: `lesson ${lesson.file} does not embed this exercise: add <Exercise id="${exercise.id}" /> to it`,
      });
    }
  }

  const lessonByOrder = new Map<number, PageInfo>();
  for (const lesson of pages.filter((p) => p.isLesson)) {
    const order = lesson.frontmatter.order;
    if (typeof order !== 'number') continue;
    const first = lessonByOrder.get(order);
    if (first) {
      problems.push({
        file: lesson.file,
        where: 'frontmatter field `order`',
        message: `${order} is also the order of ${first.file}; each lesson needs its own number`,
      });
    } else lessonByOrder.set(order, lesson);
  }

  const pageUrls = new Set(pages.map((p) => p.url));
  for (const page of pages) {
    for (const link of page.links) {
      const problem = checkInternalLink(root, pageUrls, link.value);
      if (problem) problems.push({ file: page.file, where: `line ${link.line}`, message: problem });
    }
  }
  return problems;
}

/** A reason the internal link does not resolve, or undefined when it does. */
function checkInternalLink(root: ContentRoot, pageUrls: Set<string>, href: string): string | undefined {
  const target = decodeURI(href.split(/[?#]/)[0]);
  if (target === '' || target.startsWith('//')) return undefined;
  if (/\.mdx?$/.test(target)) {
    return `link ${href} points at a source file; link to the page's URL instead, e.g. /lessons/<slug>/`;
  }
  const withSlash = target.endsWith('/') ? target : `${target}/`;
  if (pageUrls.has(withSlash)) return undefined;
  if (path.extname(target) !== '' && fs.existsSync(path.join(root.publicDir, target))) return undefined;
  const pageFile = `content${withSlash.replace(/\/$/, '')}.mdx`;
  return path.extname(target) === ''
    ? `link ${href} leads to no page: expected ${pageFile} to exist`
    : `link ${href} leads to no file: expected public${target} to exist`;
}

function listOrNone(items: string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

// @ts-check
/**
 * The course's parts and which lessons (by file name under content/lessons/) belong to each.
 * Used by astro.config.mjs for the sidebar and by the landing page for the lesson path.
 */

/** @type {{ label: string; lessons: string[] }[]} */
export const COURSE_PARTS = [
  { label: 'Part I · The problem', lessons: ['01-explode-vanish', '02-variance-of-a-sum'] },
  { label: 'Part II · Initializers by activation', lessons: ['03-tanh-glorot', '04-relu-he', '05-gain'] },
  { label: 'Part III · Real networks', lessons: ['06-conv-alexnet', '07-beyond-init'] },
];

/** Number of lessons the finished course has. */
export const LESSON_COUNT = COURSE_PARTS.reduce((n, part) => n + part.lessons.length, 0);

/** The part a lesson slug (e.g. "lessons/04-relu-he") belongs to, or undefined. */
export function partOfLesson(/** @type {string} */ slug) {
  const name = slug.replace(/^lessons\//, '');
  return COURSE_PARTS.find((part) => part.lessons.includes(name));
}

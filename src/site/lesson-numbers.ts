/**
 * Lesson numbers and the lesson count, derived from one place: the lessons' `order` fields. A lesson's
 * number is its rank in course order, so a lesson inserted with `order: 4.5` becomes lesson 5 and every
 * later lesson moves up by one, with no renumbering by hand. Used by the page badge, the landing page's
 * path and count, and `check:content` (which catches "lesson N" links whose N no longer matches).
 */
export interface OrderedLesson {
  /** Collection id, e.g. "lessons/04-relu-he". */
  id: string;
  order: number;
}

/** id → lesson number (1-based rank by `order`). */
export function lessonNumbers(lessons: readonly OrderedLesson[]): Map<string, number> {
  const sorted = [...lessons].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return new Map(sorted.map((lesson, i) => [lesson.id, i + 1]));
}

const WORDS = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve'];

/** "Seven" for 7; digits beyond twelve. */
export function countWord(count: number): string {
  return WORDS[count] ?? String(count);
}

/** The URL of a lesson page from its collection id. */
export function lessonUrl(id: string): string {
  return `/${id}/`;
}

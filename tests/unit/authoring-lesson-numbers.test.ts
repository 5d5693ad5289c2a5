/**
 * Lesson numbers come from one place (the rank of `order`), and check:content catches "lesson N" text
 * that would go stale: bare mentions, and links whose N is no longer the target's number.
 */
import { describe, expect, it } from 'vitest';
import { checkLessonMentions } from '../../scripts/authoring/links';
import type { PageInfo } from '../../scripts/authoring/pages';
import { countWord, lessonNumbers } from '../../src/site/lesson-numbers';
import { unknownFrontmatterKeys } from '../../src/site/page-schema';

const page = (id: string, order: number | undefined, lessonMentions: PageInfo['lessonMentions'] = []): PageInfo => ({
  id, file: `content/${id}.mdx`, isLesson: id.startsWith('lessons/'), url: `/${id}/`,
  frontmatter: order === undefined ? {} : { order }, exercises: [], links: [], lessonMentions, compiled: true,
});

describe('lessonNumbers', () => {
  it('numbers lessons by rank of order, so order 4.5 becomes lesson 5 and the later ones move up', () => {
    const numbers = lessonNumbers([
      { id: 'lessons/a', order: 1 }, { id: 'lessons/e', order: 5 }, { id: 'lessons/d', order: 4 }, { id: 'lessons/new', order: 4.5 },
    ]);
    expect([...numbers]).toEqual([['lessons/a', 1], ['lessons/d', 2], ['lessons/new', 3], ['lessons/e', 4]]);
    expect(countWord(7)).toBe('Seven');
    expect(countWord(13)).toBe('13');
  });
});

describe('checkLessonMentions', () => {
  it('reports bare "lesson N" with the link to write, and links whose number went stale after an insertion', () => {
    const pages = [
      page('lessons/01-a', 1),
      page('lessons/02-inserted', 1.5),
      page('lessons/02-b', 2, [
        { number: 1, line: 3 },
        { number: 2, url: '/lessons/02-b/', line: 4 },
        { number: 3, url: '/lessons/02-b/', line: 5 },
        { number: 9, line: 6 },
      ]),
      page('index', undefined, [{ number: 2, url: '/lessons/02-inserted/', line: 7 }]),
    ];
    expect(checkLessonMentions(pages).map((p) => `${p.file}: ${p.where}: ${p.message}`)).toEqual([
      'content/lessons/02-b.mdx: line 3: "lesson 1" in the text goes stale when lessons move; write [lesson 1](/lessons/01-a/), and check:content keeps the number right',
      'content/lessons/02-b.mdx: line 4: the link says "lesson 2" but /lessons/02-b/ is lesson 3 now (lessons are numbered by their `order`)',
      'content/lessons/02-b.mdx: line 6: "lesson 9" in the text goes stale when lessons move; write a link to the lesson you mean (there is no lesson 9), and check:content keeps the number right',
    ]);
  });
});

describe('unknownFrontmatterKeys', () => {
  it('names a misspelt key with the field it most likely means, and lists the fields when nothing is close', () => {
    expect(unknownFrontmatterKeys({ title: 't', descripton: 'd', minuts: 5 })).toEqual([
      { field: 'descripton', message: 'unknown field; did you mean `description`?' },
      { field: 'minuts', message: 'unknown field; did you mean `minutes`?' },
    ]);
    const [far] = unknownFrontmatterKeys({ zzzzzzzzzzz: 1 });
    expect(far.message).toMatch(/^unknown field; known fields: `title`, `description`, .*`order`/);
    expect(unknownFrontmatterKeys({ title: 't', order: 2, sidebar: {} })).toEqual([]);
  });
});

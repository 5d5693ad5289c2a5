/**
 * check:content on lessons: each mistake in tests/fixtures/broken-lesson is reported with its file,
 * its field or line, and what was expected.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkContent } from '../../scripts/authoring/check';
import { contentRoot } from '../../scripts/authoring/content-root';
import { formatProblem } from '../../scripts/authoring/problems';

const fixtures = path.resolve(__dirname, '../fixtures');

async function problemLines(fixture: string): Promise<string[]> {
  const result = await checkContent(contentRoot(path.join(fixtures, fixture)), { skipGrading: true });
  return result.problems.map(formatProblem);
}

describe('check:content on a broken lesson', () => {
  it('reports every mistake in the fixture, one line each, and nothing else', async () => {
    expect(await problemLines('broken-lesson')).toEqual([
      'content/guide/no-title.mdx: frontmatter field `title`: expected string, found nothing (the field is missing)',
      'content/lessons/01-missing-fields.mdx: frontmatter field `minutes`: expected number, found string',
      'content/lessons/01-missing-fields.mdx: frontmatter field `objectives`: expected array, found nothing (the field is missing)',
      "content/lessons/02-bad-math.mdx: line 12: KaTeX cannot render `\\mathrm{Var}[y] = \\frac{1}{n_\\text{in}`: KaTeX parse error: Unexpected end of input in a macro argument, expected '}' at end of input: …{1}{n_\\text{in}",
      "content/lessons/03-unimported-exercise.mdx: line 11: <Exercise> is used but never imported; add `import Exercise from '~/components/Exercise.astro';` below the frontmatter",
      'content/lessons/03-unimported-exercise.mdx: line 11: <Exercise id="no-such-exercise"> names no exercise: expected a folder exercises/no-such-exercise/ (exercises here: none)',
      'content/lessons/04-broken-links.mdx: line 10: link /lessons/99-nowhere/ leads to no page: expected content/lessons/99-nowhere.mdx to exist',
      "content/lessons/04-broken-links.mdx: line 10: link /lessons/02-bad-math.mdx points at a source file; link to the page's URL instead, e.g. /lessons/<slug>/",
      'content/lessons/05-unclosed-tag.mdx: line 11:1: MDX cannot compile: Expected a closing tag for `<Aside>`',
      'content/lessons/06-unquoted-colon.mdx: line 2:19: frontmatter is not valid YAML: bad indentation of a mapping entry (a value that contains ": " needs double quotes)',
      'content/lessons/07-literal-braces.mdx: line 10: {1, 2} is run as JavaScript and shows only its value; for literal braces write \\{ and \\}, or put the text in $…$ or `…`',
      'content/lessons/08-same-order.mdx: frontmatter field `order`: 1 is also the order of content/lessons/01-missing-fields.mdx; each lesson needs its own number',
      'content/lessons/09-misspelt-field.mdx: frontmatter field `descripton`: unknown field; did you mean `description`?',
    ]);
  });

  it('accepts a valid lesson and its valid links', async () => {
    expect(await problemLines('minimal-course')).toEqual([]);
  });

  it('exits 1 from the command line and prints the problems on stderr', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/check-content.ts', '--root', 'tests/fixtures/broken-lesson'],
      { cwd: path.resolve(__dirname, '../..') },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('content/lessons/01-missing-fields.mdx: frontmatter field `minutes`: expected number, found string'),
    });
    const error = await run.catch((e: { stderr: string }) => e);
    expect(error.stderr).toMatch(/check:content: 13 problem\(s\) in .*broken-lesson/);
  }, 30_000);
});

/**
 * check:content on exercises: each folder in tests/fixtures/broken-exercise holds one mistake, and the
 * check names the file, the field or answer, and what was expected. The answers really run through the
 * headless grader (small 10 × 32 networks, so this takes seconds).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkContent, type CheckResult } from '../../scripts/authoring/check';
import { contentRoot } from '../../scripts/authoring/content-root';
import { formatProblem } from '../../scripts/authoring/problems';

const fixture = contentRoot(path.resolve(__dirname, '../fixtures/broken-exercise'));
let result: CheckResult;
let lines: string[];

beforeAll(async () => {
  result = await checkContent(fixture);
  lines = result.problems.map(formatProblem);
}, 120_000);

function linesFor(folder: string): string[] {
  return lines.filter((line) => line.startsWith(`exercises/${folder}/`));
}

describe('check:content on broken exercises', () => {
  it('reports spec errors field by field, with what was expected', () => {
    expect(linesFor('bad-spec')).toEqual([
      'exercises/bad-spec/exercise.json: field `networks[0].activation`: Invalid option: expected one of "linear"|"relu"|"leaky_relu"|"tanh"|"sigmoid"',
      'exercises/bad-spec/exercise.json: field `timeLimitMs`: Invalid input: expected number, received string',
      'exercises/bad-spec/exercise.json: Unrecognized key: "hint"',
    ]);
  });

  it('fails a reference solution that does not pass, with the grader\'s verdict', () => {
    expect(linesFor('solution-fails')).toEqual([
      expect.stringMatching(
        /^exercises\/solution-fails\/solution\.ts: layer 1: the reference solution must pass, but: layer 1 \(dense1\): all 32 units got identical weights/,
      ),
    ]);
  });

  it('fails a starter that already passes', () => {
    expect(linesFor('starter-passes')).toEqual([expect.stringMatching(/^exercises\/starter-passes\/starter\.ts: must fail, but passed: Passed\./)]);
  });

  it('fails a wrong answer whose message lacks its expected text, quoting the message it got', () => {
    expect(linesFor('wrong-message')).toEqual([
      expect.stringMatching(
        /^exercises\/wrong-message\/wrong\/lecun\.ts: layer (\d+): fails as it should, but the message does not contain "exploding": layer \1 \(dense\1\): Var\(y\) = [\d.e+-]+, vanishing/,
      ),
    ]);
  });

  it('reports a solution that does not compile with its line and column', () => {
    expect(linesFor('syntax-error')).toEqual([
      "exercises/syntax-error/solution.ts: the reference solution must pass, but: exercises/syntax-error/solution.ts:2:66: ')' expected.",
    ]);
  });

  it('reports missing and unlisted files', () => {
    expect(linesFor('missing-files')).toEqual([
      expect.stringMatching(/^exercises\/missing-files\/exercise\.json: .*wrong\/extra\.ts exists but is not listed/),
      expect.stringMatching(/^exercises\/missing-files\/exercise\.json: .*wrong\/gone\.ts does not exist/),
      expect.stringMatching(/^exercises\/missing-files\/task\.md: missing/),
    ]);
  });

  it('reports an id that differs from the folder name', () => {
    expect(linesFor('id-mismatch')).toEqual([expect.stringMatching(/^exercises\/id-mismatch\/exercise\.json: field `id`: "id-mismatched" .*"id-mismatch"/)]);
  });

  it('reports a formula in task.md that KaTeX cannot render, with its line', () => {
    expect(linesFor('bad-task-math')).toEqual([
      expect.stringMatching(/^exercises\/bad-task-math\/task\.md: line 1: KaTeX cannot render `\\frac\{1\}\{n_\\text\{in\}`: KaTeX parse error/),
    ]);
  });

  it('reports an exercise that its lesson does not embed', () => {
    expect(linesFor('not-embedded')).toEqual([
      'exercises/not-embedded/exercise.json: field `lesson`: lesson content/lessons/01-exercises.mdx does not embed this exercise: add <Exercise id="not-embedded" /> to it',
    ]);
  });

  it('reports nothing else', () => {
    expect(lines.filter((line) => !line.startsWith('exercises/'))).toEqual([]);
    expect(lines).toHaveLength(13);
  });

  it('grades every exercise whose spec is valid, and records each answer', () => {
    const graded = result.reports.filter((r) => r.check.answers.length > 0).map((r) => r.id);
    expect(graded).toEqual(['bad-task-math', 'id-mismatch', 'missing-files', 'not-embedded', 'solution-fails', 'starter-passes', 'syntax-error', 'wrong-message']);
    const notEmbedded = result.reports.find((r) => r.id === 'not-embedded')!;
    expect(notEmbedded.check.answers.map((a) => [a.role, a.passed, a.ok])).toEqual([
      ['solution', true, true],
      ['starter', false, true],
    ]);
  });
});

/**
 * `npm run new`: scaffolds pass check:content as generated, never overwrite, and refuse bad names.
 * Each test works in a temporary copy of tests/fixtures/minimal-course, never in the repository.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { checkContent } from '../../scripts/authoring/check';
import { contentRoot, type ContentRoot } from '../../scripts/authoring/content-root';
import { formatProblem } from '../../scripts/authoring/problems';
import { ScaffoldError, embedExercise, scaffoldExercise, scaffoldLesson } from '../../scripts/authoring/scaffold';

const repo = path.resolve(__dirname, '../..');
const copies: string[] = [];

function copyOfMinimalCourse(): ContentRoot {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-scaffold-'));
  fs.cpSync(path.join(repo, 'tests/fixtures/minimal-course'), dir, { recursive: true });
  copies.push(dir);
  return contentRoot(dir);
}

afterEach(() => {
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function problems(root: ContentRoot, options: { skipGrading?: boolean } = {}): Promise<string[]> {
  return (await checkContent(root, options)).problems.map(formatProblem);
}

describe('npm run new -- lesson', () => {
  it('writes a lesson that passes check:content, with the next free order', async () => {
    const root = copyOfMinimalCourse();
    const result = scaffoldLesson(root, '02-weight-decay');
    expect(result.created).toEqual(['content/lessons/02-weight-decay.mdx']);
    const text = fs.readFileSync(path.join(root.lessonsDir, '02-weight-decay.mdx'), 'utf8');
    expect(text).toMatch(/^title: "Weight decay"$/m);
    expect(text).toMatch(/^order: 2$/m);
    expect(await problems(root)).toEqual([]);
  });

  it('refuses to overwrite an existing lesson and leaves it unchanged', () => {
    const root = copyOfMinimalCourse();
    const file = path.join(root.lessonsDir, '01-intro.mdx');
    const before = fs.readFileSync(file, 'utf8');
    expect(() => scaffoldLesson(root, '01-intro')).toThrow(
      new ScaffoldError('content/lessons/01-intro.mdx already exists; nothing was written (choose another name or edit that file)'),
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([['Weight_Decay'], ['weight--decay'], ['-decay'], ['décay']])('refuses the slug %j with the rule it breaks', (slug) => {
    const root = copyOfMinimalCourse();
    expect(() => scaffoldLesson(root, slug)).toThrow(/use lowercase letters, digits and single hyphens/);
    expect(fs.readdirSync(root.lessonsDir)).toEqual(['01-intro.mdx']);
  });

  it('works from the command line and exits 1 with the message on a clash', async () => {
    const root = copyOfMinimalCourse();
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/new.ts', ...args, '--root', root.root], { cwd: repo });
    const created = await run('lesson', '02-gain', '--title', 'Gain: one number per activation');
    expect(created.stdout).toContain('created content/lessons/02-gain.mdx');
    expect(fs.readFileSync(path.join(root.lessonsDir, '02-gain.mdx'), 'utf8')).toMatch(/^title: "Gain: one number per activation"$/m);
    await expect(run('lesson', '02-gain')).rejects.toMatchObject({
      code: 1,
      stderr: 'new: content/lessons/02-gain.mdx already exists; nothing was written (choose another name or edit that file)\n',
    });
    expect(await problems(root)).toEqual([]);
  }, 30_000);
});

describe('npm run new -- exercise', () => {
  it('writes an exercise that passes check:content as generated, and embeds it in the lesson', async () => {
    const root = copyOfMinimalCourse();
    const result = scaffoldExercise(root, 'relu-demo', { lesson: '01-intro' });
    expect(result.created.sort()).toEqual([
      'exercises/relu-demo/exercise.json',
      'exercises/relu-demo/solution.ts',
      'exercises/relu-demo/starter.ts',
      'exercises/relu-demo/task.md',
      'exercises/relu-demo/wrong/lecun.ts',
    ]);
    expect(result.changed).toEqual(['content/lessons/01-intro.mdx']);
    const lesson = fs.readFileSync(path.join(root.lessonsDir, '01-intro.mdx'), 'utf8');
    expect(lesson).toContain("---\nimport Exercise from '~/components/Exercise.astro';\n\nThe signal");
    expect(lesson.endsWith('\n\n<Exercise id="relu-demo" />\n')).toBe(true);

    // The real command, as an instructor runs it: grades the reference, the starter and the wrong answer.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/check-content.ts', '--root', root.root],
      { cwd: repo },
    );
    expect(stdout).toMatch(/^relu-demo +│ ✓ +│ ✓ +│ 1\/1 ✓ +│ \d+\.\d s$/m);
    expect(stdout).toMatch(/check:content: OK: 1 page\(s\) \(1 lesson\(s\)\), 1 exercise\(s\), 1 graded/);
  }, 60_000);

  it('refuses an existing exercise folder, a missing or unknown lesson, and a bad id, writing nothing', () => {
    const root = copyOfMinimalCourse();
    const lessonBefore = fs.readFileSync(path.join(root.lessonsDir, '01-intro.mdx'), 'utf8');
    expect(() => scaffoldExercise(root, 'relu-demo')).toThrow(
      new ScaffoldError('which lesson shows this exercise? add --lesson <slug>, one of: 01-intro'),
    );
    expect(() => scaffoldExercise(root, 'relu-demo', { lesson: '02-nope' })).toThrow(
      new ScaffoldError('--lesson "02-nope" names no file in content/lessons/; expected one of: 01-intro'),
    );
    expect(() => scaffoldExercise(root, 'ReLU demo', { lesson: '01-intro' })).toThrow(/exercise id "ReLU demo" is not allowed/);
    expect(fs.existsSync(root.exercisesDir)).toBe(false);
    expect(fs.readFileSync(path.join(root.lessonsDir, '01-intro.mdx'), 'utf8')).toBe(lessonBefore);

    fs.writeFileSync(path.join(root.lessonsDir, '02-plain.md'), '---\ntitle: Plain\n---\nText.\n');
    expect(() => scaffoldExercise(root, 'relu-demo', { lesson: '02-plain' })).toThrow(
      new ScaffoldError('content/lessons/02-plain.md is plain Markdown, which cannot hold an <Exercise> block: rename it to 02-plain.mdx first'),
    );
    expect(fs.existsSync(root.exercisesDir)).toBe(false);

    fs.mkdirSync(path.join(root.exercisesDir, 'relu-demo'), { recursive: true });
    expect(() => scaffoldExercise(root, 'relu-demo', { lesson: 'lessons/01-intro' })).toThrow(
      new ScaffoldError('exercises/relu-demo already exists; nothing was written (choose another name or edit that file)'),
    );
    expect(fs.readdirSync(path.join(root.exercisesDir, 'relu-demo'))).toEqual([]);
    expect(fs.readFileSync(path.join(root.lessonsDir, '01-intro.mdx'), 'utf8')).toBe(lessonBefore);
  });

  it('adds the import once, keeps the lesson\'s imports together, and appends each block', () => {
    const lesson = "---\ntitle: x\n---\nimport { Aside } from '@astrojs/starlight/components';\n\nText.\n";
    const once = embedExercise(lesson, 'a');
    expect(once).toBe(
      "---\ntitle: x\n---\nimport Exercise from '~/components/Exercise.astro';\nimport { Aside } from '@astrojs/starlight/components';\n\nText.\n\n<Exercise id=\"a\" />\n",
    );
    expect(embedExercise(once, 'b')).toBe(`${once}\n<Exercise id="b" />\n`);
  });
});

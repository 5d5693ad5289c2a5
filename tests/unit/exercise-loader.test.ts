/**
 * Build-time loading for <Exercise id="..." /> (src/components/exercise/load-exercise.ts): a good folder
 * loads with its task rendered (math included); every failure names the lesson, the file and the field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExercise } from '../../src/components/exercise/load-exercise';

const LESSON = 'content/lessons/04-relu-he.mdx';
let root: string;

const goodSpec = {
  id: 'good-one',
  title: 'A good exercise',
  lesson: 'lessons/04-relu-he',
  summary: 'Summary.',
  networks: [{ preset: 'mlp', depth: 3, width: 8, activation: 'relu' }],
  criteria: { reference: 'he_normal', forward: {} },
  timeLimitMs: 5000,
  hints: ['First hint.'],
  wrongAnswers: [],
};

function writeExercise(id: string, files: Record<string, string>) {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

const answer = 'export default function init(layer: LayerInfo, { random }: InitTools): Weights {\n  return random.normal(layer.shape, 0, 1);\n}\n';

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-exercise-loader-'));
  writeExercise('good-one', {
    'exercise.json': JSON.stringify(goodSpec),
    'task.md': 'Keep $\\mathrm{Var}(y)$ steady through **3 layers**.',
    'starter.ts': answer,
    'solution.ts': answer.replace('0, 1', '0, Math.sqrt(2 / layer.fanIn)'),
  });
  writeExercise('bad-field', {
    'exercise.json': JSON.stringify({ ...goodSpec, id: 'bad-field', timeLimitMs: -1 }),
    'task.md': 'Task.',
    'starter.ts': answer,
    'solution.ts': answer,
  });
  writeExercise('no-solution', { 'exercise.json': JSON.stringify({ ...goodSpec, id: 'no-solution' }), 'task.md': 'Task.', 'starter.ts': answer });
  writeExercise('wrong-id', { 'exercise.json': JSON.stringify(goodSpec), 'task.md': 'Task.', 'starter.ts': answer, 'solution.ts': answer });
  writeExercise('bad-math', {
    'exercise.json': JSON.stringify({ ...goodSpec, id: 'bad-math' }),
    'task.md': 'Broken: $\\frac{1}{$ here.',
    'starter.ts': answer,
    'solution.ts': answer,
  });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('loadExercise', () => {
  it('loads a good folder: spec with defaults, task HTML with KaTeX, starter and solution', async () => {
    const loaded = await loadExercise('good-one', LESSON, root);
    expect(loaded.spec.title).toBe('A good exercise');
    expect(loaded.spec.criteria.batch).toBe(64); // schema default filled in
    expect(loaded.taskHtml).toContain('<strong>3 layers</strong>');
    expect(loaded.taskHtml).toContain('class="katex"');
    expect(loaded.starter).toBe(answer);
    expect(loaded.solution).toContain('Math.sqrt(2 / layer.fanIn)');
  });

  it('an id with no folder names the lesson and lists the exercises that exist', async () => {
    await expect(loadExercise('he-relu-5o', LESSON, root)).rejects.toThrow(
      /content\/lessons\/04-relu-he\.mdx: <Exercise id="he-relu-5o" \/>.*no folder.*exercises that exist: .*good-one/,
    );
  });

  it('an id that is not kebab-case is refused before touching the disk', async () => {
    await expect(loadExercise('He Relu', LESSON, root)).rejects.toThrow(/04-relu-he\.mdx: <Exercise id=…>: expected a kebab-case exercise id.*"He Relu"/);
  });

  it('a bad field in exercise.json names the lesson, the file and the field', async () => {
    await expect(loadExercise('bad-field', LESSON, root)).rejects.toThrow(/04-relu-he\.mdx: <Exercise id="bad-field" \/>: .*bad-field\/exercise\.json: invalid exercise spec[\s\S]*timeLimitMs/);
  });

  it('a missing solution.ts is named', async () => {
    await expect(loadExercise('no-solution', LESSON, root)).rejects.toThrow(/missing file .*no-solution\/solution\.ts/);
  });

  it('an exercise.json whose id is not its folder name is refused', async () => {
    await expect(loadExercise('wrong-id', LESSON, root)).rejects.toThrow(/wrong-id\/exercise\.json: id: expected "wrong-id" \(the folder name\), found "good-one"/);
  });

  it('a formula KaTeX cannot render in task.md fails, naming task.md', async () => {
    await expect(loadExercise('bad-math', LESSON, root)).rejects.toThrow(/bad-math\/task\.md/);
  });
});

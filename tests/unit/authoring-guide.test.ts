/**
 * The authoring guide (content/guide/authoring.mdx) shows real files and formats: its copy of an
 * exercise spec must be the file, and every network example must be valid under the engine's schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkRefSchema, parseExerciseJson, resolveNetwork } from '../../src/engine/exercise-schema';

const repo = path.resolve(__dirname, '../..');
const guide = fs.readFileSync(path.join(repo, 'content/guide/authoring.mdx'), 'utf8');

/** The first fenced block after `marker`. */
function codeBlockAfter(marker: string): string {
  const at = guide.indexOf(marker);
  expect(at, `guide mentions ${marker}`).toBeGreaterThan(-1);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(guide.slice(at));
  return match![1];
}

describe('the authoring guide', () => {
  it('shows exercises/he-relu-50/exercise.json exactly as it is, and it is a valid spec', () => {
    const file = fs.readFileSync(path.join(repo, 'exercises/he-relu-50/exercise.json'), 'utf8');
    const shown = codeBlockAfter('`exercises/he-relu-50/exercise.json`:');
    expect(JSON.parse(shown)).toEqual(JSON.parse(file));
    expect(parseExerciseJson(shown, 'guide').id).toBe('he-relu-50');
  });

  it('gives network examples that the exercise schema accepts and the engine can build', () => {
    const examples = codeBlockAfter('A network is a preset or a full list of layers').trim().split(/\n(?=\{)/);
    expect(examples).toHaveLength(4);
    for (const text of examples) {
      const ref = networkRefSchema.parse(JSON.parse(text));
      expect(resolveNetwork(ref).layers.length).toBeGreaterThan(0);
    }
  });

  it('names every widget component in src/components/widgets/ in its widget table', () => {
    const widgets = fs
      .readdirSync(path.join(repo, 'src/components/widgets'))
      .filter((f) => /\.(tsx|astro)$/.test(f))
      .map((f) => f.replace(/\.(tsx|astro)$/, ''));
    expect(widgets.length).toBeGreaterThan(0);
    const table = guide.slice(guide.indexOf('| widget | what it shows |'), guide.indexOf('### Exercise block'));
    expect(widgets.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});

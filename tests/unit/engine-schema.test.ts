/** Exercise spec validation: each mistake is reported with the file, the field, what was expected. */
import { describe, expect, it } from 'vitest';
import { ExerciseSpecError, parseExercise, parseExerciseJson } from '../../src/engine/exercise-schema';

const FILE = 'exercises/x/exercise.json';

const valid = () => ({
  id: 'he-relu-50',
  title: 'He',
  lesson: 'lessons/04-relu-he',
  summary: 'Initialize it.',
  networks: [{ preset: 'mlp', depth: 3, width: 8, activation: 'relu' }],
  criteria: { reference: 'he_normal', forward: {} },
  timeLimitMs: 1000,
  hints: ['one'],
  wrongAnswers: [{ file: 'wrong/a.ts', expect: 'vanishing' }],
});

function problems(spec: unknown): string[] {
  try {
    parseExercise(spec, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ExerciseSpecError);
    expect((error as Error).message.startsWith(`${FILE}: invalid exercise spec`)).toBe(true);
    return (error as ExerciseSpecError).problems;
  }
  throw new Error('accepted');
}

describe('parseExercise', () => {
  it('accepts a valid spec and fills the criteria defaults', () => {
    const exercise = parseExercise(valid(), FILE);
    expect(exercise.criteria.batch).toBe(64);
    expect(exercise.criteria.seed).toBe(1);
    expect(exercise.criteria.symmetry).toBe(true);
    expect(exercise.criteria.reference).toEqual({ name: 'he_normal' });
  });

  it('names each bad field', () => {
    const spec = valid() as Record<string, unknown>;
    delete spec.title;
    spec.lesson = '04-relu-he';
    spec.timeLimitMs = '10s';
    spec.criteria = { forward: { maxLog10Drift: -1 }, reference: 'kaiming', batch: 0 };
    const found = problems(spec);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^title: .*expected string/i),
      'lesson: expected a lesson slug like "lessons/04-relu-he"',
      expect.stringMatching(/^timeLimitMs: .*expected number/i),
      expect.stringMatching(/^criteria\.batch: /),
      expect.stringMatching(/^criteria\.reference: /),
      expect.stringMatching(/^criteria\.forward\.maxLog10Drift: /),
    ]));
  });

  it('rejects unknown fields and bad networks, naming the network', () => {
    expect(problems({ ...valid(), colour: 'red' })).toEqual([expect.stringMatching(/colour/)]);
    expect(problems({ ...valid(), networks: [{ preset: 'mlp', activation: 'relu' }] })).toEqual([
      'networks[0]: an mlp needs either "widths" or both "depth" and "width"',
    ]);
    expect(problems({ ...valid(), networks: [{ name: 'n', input: [4], layers: [{ kind: 'dense', units: 5, activation: 'relu', residual: true }] }] })).toEqual([
      'networks[0]: n, layer 1 (dense1): a residual dense layer needs input width = units, got 4 → 5',
    ]);
    expect(problems({ ...valid(), wrongAnswers: [{ file: 'bad.ts', expect: 'x' }] })).toEqual(['wrongAnswers[0].file: expected "wrong/<name>.ts"']);
  });

  it('describes a value that matches no option of a union by its closest option, not "Invalid input"', () => {
    expect(problems({ ...valid(), networks: [{ preset: 'mlp', depth: 3, width: 8, activation: 'relux' }] })).toEqual([
      'networks[0].activation: Invalid option: expected one of "linear"|"relu"|"leaky_relu"|"tanh"|"sigmoid"',
    ]);
    expect(problems({ ...valid(), networks: [{ preset: 'alexnet', inputSize: 225 }] })).toEqual([
      'networks[0].inputSize: Invalid option: expected one of 224|227',
    ]);
  });

  it('reports JSON syntax errors with the file name', () => {
    expect(() => parseExerciseJson('{"id": ', FILE)).toThrow(/^exercises\/x\/exercise.json: invalid exercise spec\n {2}- not valid JSON: /);
  });
});

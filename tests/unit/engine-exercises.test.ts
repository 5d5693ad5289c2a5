/**
 * Every shipped exercise: the spec is valid, the reference solution passes, the starter fails, each wrong answer
 * fails with its listed message (checkExercise, the same code check:content runs on the full specs).
 * To keep the unit suite short this runs in-process with a smaller batch (16 examples; AlexNet 1 image of
 * 227×227, i.e. 3 025 positions per conv channel): the verdicts do not depend on it (the wrong answers drift by
 * decades or fail the weight checks). One exercise also goes through the worker-thread grader the CLI uses at its
 * real batch, and two solutions are re-run at the real batch on another seed (engine-grading.test.ts covers more).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { compileLearnerSource, CompileError } from '../../src/cli/compile';
import { EXERCISES_DIR, listExerciseIds, readExerciseFolder } from '../../src/cli/exercise-files';
import { nodeAnswerGrader } from '../../src/cli/grader-pool';
import {
  checkExercise, evaluateInitializerModule, LearnerError, parseExerciseJson, runExercise, type AnswerGrader,
} from '../../src/engine/index';

beforeAll(async () => {
  await setupBackend();
});

function inProcessGrader(options: { seed?: number; batch?: number } = {}): AnswerGrader {
  return async (exercise, source, file) => {
    try {
      const init = evaluateInitializerModule(compileLearnerSource(source, file), file, tf);
      const batch = options.batch === undefined ? undefined : exercise.networks.some((n) => 'preset' in n && n.preset === 'alexnet') ? 1 : options.batch;
      return await runExercise(exercise, init, { seed: options.seed, batch });
    } catch (error) {
      if (error instanceof LearnerError || error instanceof CompileError) return { passed: false, message: error.message };
      throw error;
    }
  };
}

const SHIPPED = ['challenge-100', 'glorot-uniform', 'he-alexnet', 'he-relu-50', 'lecun-tanh'];

it('ships the five exercises', async () => {
  expect(await listExerciseIds()).toEqual(expect.arrayContaining(SHIPPED));
});

describe.each(SHIPPED)('exercise %s', (id) => {
  it('solution passes, starter and wrong answers fail with their messages', async () => {
    const report = await checkExercise(await readExerciseFolder(EXERCISES_DIR + id), inProcessGrader({ batch: 16 }));
    const problems = [...report.problems, ...report.answers.filter((a) => !a.ok).map((a) => a.problem)];
    expect(problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.answers.length).toBeGreaterThanOrEqual(4);
  });

  if (id === 'he-relu-50' || id === 'glorot-uniform') {
    it('solution passes on another seed at the real batch', async () => {
      const folder = await readExerciseFolder(EXERCISES_DIR + id);
      const exercise = parseExerciseJson(folder.files['exercise.json'], id);
      for (const seed of [17]) {
        const outcome = await inProcessGrader({ seed })(exercise, folder.files['solution.ts'], 'solution.ts');
        expect(outcome.passed, `seed ${seed}: ${outcome.message}`).toBe(true);
      }
    });
  }
});

it('the Node grader (grader threads, each file in its own learner realm) agrees on lecun-tanh', async () => {
  const report = await checkExercise(await readExerciseFolder(EXERCISES_DIR + 'lecun-tanh'), nodeAnswerGrader());
  expect(report.answers.filter((a) => !a.ok).map((a) => a.problem)).toEqual([]);
});

describe('checkExercise reports a broken folder', () => {
  const good = async () => readExerciseFolder(EXERCISES_DIR + 'lecun-tanh');

  it('missing files, an id that is not the folder name, unlisted and missing wrong answers', async () => {
    const folder = await good();
    const spec = JSON.parse(folder.files['exercise.json']);
    spec.id = 'lecun-tanh-2';
    spec.wrongAnswers.push({ file: 'wrong/missing.ts', expect: 'x' });
    const files = { ...folder.files, 'exercise.json': JSON.stringify(spec), 'wrong/extra.ts': 'export default () => [];' };
    delete (files as Record<string, string>)['task.md'];
    const report = await checkExercise({ dir: 'exercises/lecun-tanh', files }, async () => ({ passed: false, message: 'x' }));
    expect(report.ok).toBe(false);
    const spec_ = 'exercises/lecun-tanh/exercise.json';
    expect(report.problems).toEqual([
      { file: 'exercises/lecun-tanh/task.md', message: 'missing' },
      { file: spec_, field: 'id', message: '"lecun-tanh-2" must equal the folder name "lecun-tanh"' },
      { file: spec_, field: 'wrongAnswers', message: 'wrong/extra.ts exists but is not listed' },
      { file: spec_, field: 'wrongAnswers', message: 'wrong/missing.ts does not exist' },
    ]);
  });

  it('a solution that fails, a wrong answer that passes, a wrong answer failing with another message', async () => {
    const folder = await good();
    const verdicts: Record<string, Awaited<ReturnType<AnswerGrader>>> = {
      'solution.ts': { passed: false, message: 'layer 1: no', error: { kind: 'threw', layer: 1 } },
      'starter.ts': { passed: false, message: 'whatever' },
      'wrong/std-one.ts': { passed: true, message: 'Passed.' },
      'wrong/he.ts': { passed: false, message: 'layer 3: vanishing', verdicts: [{ passed: false, message: 'layer 3: vanishing', firstBadLayer: 3, details: [] }] },
      'wrong/too-small.ts': { passed: false, message: 'layer 1 (dense1): Var(y) = 0.25, vanishing' },
    };
    const report = await checkExercise(folder, async (_e, _s, file) => verdicts[file.replace('exercises/lecun-tanh/', '')]);
    expect(report.answers.map((a) => a.problem ?? 'ok')).toEqual([
      { file: 'exercises/lecun-tanh/solution.ts', layer: 1, message: 'the reference solution must pass, but: layer 1: no' },
      'ok',
      { file: 'exercises/lecun-tanh/wrong/std-one.ts', message: 'must fail, but passed: Passed.' },
      { file: 'exercises/lecun-tanh/wrong/he.ts', layer: 3, message: 'fails as it should, but the message does not contain "above the target": layer 3: vanishing' },
      'ok',
    ]);
  });
});

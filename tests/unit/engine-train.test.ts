/**
 * Training (src/engine/train.ts) against independent oracles: the hand-written backward pass against TF.js
 * autodiff (tf.grads of a forward pass written here), the untrained loss against ln 10, determinism, the
 * symmetry that a constant init never breaks, divergence reported as data; the digits loader against a
 * corrupt fixture. Runs on the wasm backend, as the CLI grader does.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
// The oracle below uses tf.grads, which needs tfjs-core's gradient functions (the engine does not).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { compileLearnerSource } from '../../src/cli/compile';
import { EXERCISES_DIR, readExerciseFolder } from '../../src/cli/exercise-files';
import { checkExercise, evaluateInitializerModule, LearnerError, parseExerciseJson, runExercise } from '../../src/engine/index';
import { resolveNetwork } from '../../src/engine/exercise-schema';
import { loadDigits, loadDataset, readDatasetFile } from '../../src/data/load';
import { datasetFromFile, DIGITS_COUNT, spiralsDataset, type Dataset } from '../../src/engine/datasets';
import { initializeWeights } from '../../src/engine/lab';
import { LEAKY_RELU_SLOPE, weightLayers } from '../../src/engine/networks';
import { batchGradients, train } from '../../src/engine/train';
import { gradeTraining, trainCriterionCheck } from '../../src/engine/train-grading';
import { classifierMlp, digitsConvNet } from '../../src/engine/train-networks';
import type { NetworkSpec } from '../../src/engine/types';

let digits: Dataset;
beforeAll(async () => {
  await setupBackend();
  digits = await loadDataset('digits');
});

describe('digits file', () => {
  it('has the fixed split and standardized training pixels', () => {
    expect(digits.train.count + digits.heldOut.count).toBe(DIGITS_COUNT);
    expect(digits.heldOut.count).toBe(359);
    expect(new Set(digits.train.y).size).toBe(10);
    // Pixel 36 (row 4, column 4) varies over the training split: mean 0, variance 1 after standardizing.
    const column = Array.from({ length: digits.train.count }, (_, n) => digits.train.x[n * 64 + 36]);
    const mean = column.reduce((a, b) => a + b, 0) / column.length;
    const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(variance).toBeCloseTo(1, 4);
  });

  it('a corrupt, truncated or foreign file fails naming the file and the problem', async () => {
    const fixture = new URL('../fixtures/digits-corrupt.bin', import.meta.url);
    await expect(loadDigits(fixture, 'tests/fixtures/digits-corrupt.bin')).rejects.toThrow(/^tests\/fixtures\/digits-corrupt\.bin: is corrupt: its checksum is 0x[0-9a-f]{8} but the data hash to/);
    const bytes = new Uint8Array(await readFile(fixture));
    const { digitsDataset } = await import('../../src/engine/datasets');
    expect(() => digitsDataset(bytes.subarray(0, 5000), 'short.bin')).toThrow('short.bin: is 5000 bytes, expected 116821 for 1797 examples (truncated or padded)');
    expect(() => digitsDataset(new TextEncoder().encode('GIF89a, not digits'), 'x.gif')).toThrow('x.gif: not a digits file');
    await expect(loadDigits(new URL('../fixtures/no-such-file.bin', import.meta.url), 'no-such-file.bin')).rejects.toThrow(/^no-such-file\.bin: cannot be read/);
  });

  it('the raw file, as the page hands it to the browser grader, parses to the same dataset; spirals need none', async () => {
    const file = await readDatasetFile('digits');
    expect(file?.path).toBe('src/data/digits.bin');
    const parsed = datasetFromFile('digits', file);
    expect(parsed.train.x).toEqual(digits.train.x);
    expect(parsed.heldOut.y).toEqual(digits.heldOut.y);
    expect(await readDatasetFile('spirals')).toBeUndefined();
    expect(datasetFromFile('spirals', undefined).train.count).toBe(spiralsDataset().train.count);
    expect(() => datasetFromFile('digits', undefined)).toThrow("the digits dataset's file was not loaded");
    const corrupt = new Uint8Array(await readFile(new URL('../fixtures/digits-corrupt.bin', import.meta.url)));
    expect(() => datasetFromFile('digits', { path: 'src/data/digits.bin', bytes: corrupt })).toThrow(/^src\/data\/digits\.bin: is corrupt/);
  });
});

/** The forward pass written independently with TF.js ops (biases omitted: they start at zero), for autodiff. */
function referenceLoss(network: NetworkSpec, weights: tf.Tensor[], x: tf.Tensor, labels: Int32Array, classes: number): tf.Scalar {
  let h = x;
  let w = 0;
  network.layers.forEach((layer, i) => {
    const last = i === network.layers.length - 1;
    if (layer.kind === 'dense' || layer.kind === 'conv2d') {
      const y = layer.kind === 'dense' ? tf.matMul(h as tf.Tensor2D, weights[w++] as tf.Tensor2D) : tf.conv2d(h as tf.Tensor4D, weights[w++] as tf.Tensor4D, layer.stride ?? 1, layer.padding ?? 'valid');
      const phi = (t: tf.Tensor) => (layer.activation === 'relu' ? tf.relu(t) : layer.activation === 'tanh' ? tf.tanh(t) : layer.activation === 'leaky_relu' ? tf.leakyRelu(t, LEAKY_RELU_SLOPE) : t);
      h = last ? y : layer.kind === 'dense' && layer.residual ? tf.add(h, phi(y)) : phi(y);
    } else if (layer.kind === 'maxpool') h = tf.maxPool(h as tf.Tensor4D, layer.size, layer.stride, 'valid');
    else h = tf.reshape(h, [h.shape[0], -1]);
  });
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), h) as tf.Scalar;
}

describe('one step of gradients equals autodiff', () => {
  const cases: [string, NetworkSpec][] = [
    ['residual tanh MLP', classifierMlp({ depth: 5, width: 16, activation: 'tanh', inputSize: 64, classes: 10, residual: true })],
    ['ReLU MLP', classifierMlp({ depth: 4, width: 16, activation: 'relu', inputSize: 64, classes: 10 })],
    ['conv net', digitsConvNet('relu')],
  ];
  it.each(cases)('%s', async (_name, network) => {
    // CPU: the oracle's conv2d gradient needs Conv2DBackpropFilter, which wasm lacks.
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const weights = initializeWeights(network, { name: 'he_normal' }, 5);
      const batch = 8;
      const x = digits.train.x.slice(0, batch * 64);
      const labels = digits.train.y.slice(0, batch);
      const mine = await batchGradients(network, weights, x, labels, 10);
      const shapes = weightLayers(network).map((l) => l.shape);
      const oracle = tf.tidy(() => {
        const input = tf.tensor(x, [batch, ...network.input]);
        const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => referenceLoss(network, ws, input, labels, 10))(weights.map((w, i) => tf.tensor(w, shapes[i])));
        return { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
      });
      expect(mine.loss).toBeCloseTo(oracle.loss, 5);
      oracle.grads.forEach((g, i) => {
        const scale = Math.max(...g.map(Math.abs));
        const worst = Math.max(...g.map((v, j) => Math.abs(v - mine.weightGrads[i][j])));
        expect(worst / scale, `layer ${i + 1}`).toBeLessThan(1e-4);
      });
    } finally {
      await tf.setBackend(previous);
    }
  });
});

describe('training runs', () => {
  const net = classifierMlp({ depth: 6, width: 32, activation: 'relu', inputSize: 64, classes: 10 });
  const base = () => ({ network: net, dataset: digits, optimizer: { kind: 'sgd', momentum: 0.9 } as const, learningRate: 0.01, batch: 32, steps: 60, every: 20 });

  it('an untrained net whose logits are ≈ 0 starts at the chance loss ln 10', async () => {
    const run = await train({ ...base(), dataset: digits, initializer: { name: 'normal', std: 0.01 }, seed: 1, steps: 1 });
    expect(run.points[0].loss).toBeCloseTo(Math.log(10), 4);
    expect(run.points[0].heldOutLoss).toBeCloseTo(Math.log(10), 4);
  });

  it('same seed, same curve; another seed, another curve; He learns', async () => {
    const a = await train({ ...base(), initializer: { name: 'he_normal' }, seed: 4 });
    const b = await train({ ...base(), initializer: { name: 'he_normal' }, seed: 4 });
    const c = await train({ ...base(), initializer: { name: 'he_normal' }, seed: 5 });
    expect(b.points).toEqual(a.points);
    expect(c.points.map((p) => p.loss)).not.toEqual(a.points.map((p) => p.loss));
    expect(a.points.map((p) => p.step)).toEqual([0, 20, 40, 59]);
    expect(a.final.loss).toBeLessThan(a.points[0].loss / 2);
    expect(a.final.heldOutAccuracy).toBeGreaterThan(0.5);
    for (const layer of a.points[1].layers) {
      expect(layer.gradNorm).toBeGreaterThan(0);
      // SGD with momentum: the update is lr × (a running sum of gradients), a small fraction of the weights.
      expect(layer.updateRatio).toBeGreaterThan(0);
      expect(layer.updateRatio).toBeLessThan(0.1);
    }
  });

  it('a constant init never breaks symmetry: every hidden unit of a layer stays identical', async () => {
    const run = await train({ ...base(), initializer: { name: 'constant', value: 0.05 }, seed: 2, keepWeights: true });
    const layers = weightLayers(net);
    layers.slice(0, -1).forEach((layer, l) => {
      const [fanIn, units] = layer.shape;
      const w = run.finalWeights![l];
      for (let i = 0; i < fanIn; i++) {
        for (let u = 1; u < units; u++) expect(w[i * units + u]).toBe(w[i * units]);
      }
    });
    // …yet the weights did move: the units are identical, not frozen.
    expect(run.finalWeights![0][0]).not.toBe(0.05);
  });

  it('too large an init diverges: reported with its step, not thrown; the verdict says so', async () => {
    const deep = classifierMlp({ depth: 12, width: 64, activation: 'relu', inputSize: 64, classes: 10 });
    const run = await train({ ...base(), network: deep, initializer: { name: 'normal', std: 1 }, seed: 1 });
    expect(run.diverged).toBeDefined();
    expect(run.steps).toBe(run.diverged!.step);
    expect(Number.isFinite(run.diverged!.loss)).toBe(false);
    const verdict = gradeTraining({ dataset: 'digits', steps: 60, batch: 32, optimizer: 'sgd', learningRate: 0.01, seeds: [1], minAccuracy: 0.5 }, [run]);
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toContain(`Training diverged at step ${run.diverged!.step} (seed 1)`);
  });

  it('too small an init stalls at chance: flat loss, with the gradient numbers', async () => {
    const deep = classifierMlp({ depth: 12, width: 64, activation: 'relu', inputSize: 64, classes: 10 });
    const run = await train({ ...base(), network: deep, initializer: { name: 'normal', std: 0.01 }, seed: 1 });
    expect(Math.abs(run.final.loss - Math.log(10))).toBeLessThan(0.01);
    const verdict = gradeTraining({ dataset: 'digits', steps: 60, batch: 32, optimizer: 'sgd', learningRate: 0.01, seeds: [1], minAccuracy: 0.5 }, [run]);
    expect(verdict.message).toMatch(/The loss stayed flat at 2\.30 for 60 steps \(ln 10 = 2\.30: chance/);
  });

  it('stops when asked, between steps', async () => {
    let points = 0;
    const run = await train({ ...base(), initializer: { name: 'he_normal' }, seed: 1, every: 5, onPoint: () => { points++; }, shouldStop: () => points >= 2 });
    expect(run.stopped).toBe(true);
    expect(run.steps).toBe(6);
    expect(run.points).toHaveLength(2);
  });

  it('trains on the spirals (2-D) too', async () => {
    const spirals = spiralsDataset();
    expect(spirals.train.count + spirals.heldOut.count).toBe(600);
    const network = classifierMlp({ depth: 3, width: 32, activation: 'relu', inputSize: 2, classes: 3 });
    const run = await train({ network, dataset: spirals, initializer: { name: 'he_normal' }, optimizer: { kind: 'adam' }, learningRate: 0.01, batch: 64, steps: 150, seed: 3 });
    expect(run.final.heldOutAccuracy).toBeGreaterThan(0.6);
  });

  it('rejects a network without a classifier head, naming what it needs', async () => {
    const network = classifierMlp({ depth: 3, width: 32, activation: 'relu', inputSize: 64, classes: 5 });
    await expect(train({ ...base(), network, initializer: { name: 'he_normal' }, seed: 1 })).rejects.toThrow('must be dense with 10 units');
  });
});

describe('exercise train-deep-relu (what check:content runs, in-process)', () => {
  it('the solution reaches the accuracy on both seeds; the starter and each wrong answer fail with their message', async () => {
    const report = await checkExercise(await readExerciseFolder(EXERCISES_DIR + 'train-deep-relu'), async (exercise, source, file) => {
      try {
        const init = evaluateInitializerModule(compileLearnerSource(source, file), file, tf);
        return await runExercise(exercise, init, { loadDataset });
      } catch (error) {
        if (error instanceof LearnerError) return { passed: false, message: error.message };
        throw error;
      }
    });
    expect([...report.problems, ...report.answers.filter((a) => !a.ok).map((a) => a.problem)]).toEqual([]);
    expect(report.answers.map((a) => a.file).sort()).toEqual(['solution.ts', 'starter.ts', 'wrong/lecun.ts', 'wrong/std-one.ts', 'wrong/tiny.ts', 'wrong/zeros.ts']);
    expect(report.answers.find((a) => a.role === 'solution')!.message).toMatch(/^Passed: after 200 steps on digits 8×8, seeds 1, 2: held-out accuracy/);
  }, 300_000);
});

it('trainCriterionCheck (the seam for the one grading path) trains from the given weights: LeCun fails with the stall verdict', async () => {
  const folder = await readExerciseFolder(EXERCISES_DIR + 'train-deep-relu');
  const exercise = parseExerciseJson(folder.files['exercise.json'], 'train-deep-relu');
  const network = resolveNetwork(exercise.networks[0]);
  const progress: number[] = [];
  const trained = await trainCriterionCheck({ exercise, network, weights: initializeWeights(network, { name: 'lecun_normal' }, 1) }, loadDataset, (p) => progress.push(p.point.step));
  const check = trained?.check;
  // It stops at the first failing seed, and hands back that seed's curve: every point it streamed, ending at the last step.
  expect(trained?.curves.map((c) => c.seed)).toEqual([1]);
  expect(trained?.curves[0].points.map((p) => p.step)).toEqual(progress);
  expect(progress.at(-1)).toBe(exercise.criteria.train!.steps - 1);
  expect(check?.passed).toBe(false);
  expect(check?.message).toMatch(/^The network did not learn enough \(seed 1\): held-out accuracy is [\d.]+ % after 200 steps \(needed ≥ 75\.0 %\)/);
}, 120_000);

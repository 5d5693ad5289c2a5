/**
 * Everything a learner's initializer can get wrong is reported with the layer it happened at: wrong shape,
 * dtype or length, NaN/±Inf, a thrown error, a Promise, nothing returned, a file without an initializer, an
 * endless loop (stopped by the time limit). Tensors the learner creates never leak.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { compileLearnerSource, CompileError, transpileLearnerSource } from '../../src/cli/compile';
import { gradeSource } from '../../src/cli/grade-source';
import { loadExercise } from '../../src/cli/exercise-files';
import {
  evaluateInitializerModule, gradeSubmission, initializeWeights, LearnerError, mlp, parseExercise, resolveNetwork, runLab, weightLayers,
  type LearnerInitializer, type LearnerSource,
} from '../../src/engine/index';

beforeAll(async () => {
  await setupBackend();
});

const network = mlp({ depth: 3, width: 8, activation: 'relu', inputSize: 4 });
const he: LearnerInitializer = (layer, { random }) => random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));

/** Runs the initializer and returns the LearnerError it is rejected with. */
async function rejection(init: LearnerInitializer): Promise<LearnerError> {
  const before = tf.memory().numTensors;
  try {
    await runLab({ network, initializer: init, batch: 4 });
  } catch (error) {
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(LearnerError);
    return error as LearnerError;
  }
  throw new Error('the initializer was accepted');
}

describe('what the initializer returns', () => {
  it('accepts a Float32Array, a number[] and a float32 tensor of the right shape', async () => {
    for (const init of [
      he,
      ((layer, { random }) => Array.from(random.normal(layer.shape, 0, 0.1))) as LearnerInitializer,
      ((layer, { tf }) => tf.mul(tf.randomNormal(layer.shape as number[]), 0.1)) as LearnerInitializer,
    ]) {
      const before = tf.memory().numTensors;
      const result = await runLab({ network, initializer: init, batch: 4 });
      expect(result.layers).toHaveLength(3);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('a tensor of the wrong shape', async () => {
    const error = await rejection((layer, tools) => (layer.index === 2 ? tools.tf.zeros([8, 4]) : he(layer, tools)));
    expect(error.kind).toBe('shape');
    expect(error.layer).toBe(2);
    expect(error.message).toBe('layer 2 (dense2): returned a tensor of shape [8, 4]; expected [8, 8]');
  });

  it('a tensor of the wrong dtype', async () => {
    const error = await rejection((layer, { tf }) => tf.zeros(layer.shape as number[], 'int32'));
    expect(error.kind).toBe('dtype');
    expect(error.message).toMatch(/^layer 1 \(dense1\): returned a tensor of dtype int32; expected a float32 tf.Tensor of shape \[4, 8\]/);
  });

  it('a typed array of another type, a nested array, strings, a number', async () => {
    expect((await rejection((layer) => new Float64Array(32) as unknown as Float32Array)).message).toMatch(/^layer 1 \(dense1\): returned a Float64Array; expected a float32 tf.Tensor/);
    expect((await rejection(() => [[1, 2], [3, 4]] as unknown as number[])).message).toMatch(/layer 1 \(dense1\): returned a nested array; return a flat array of 32 numbers/);
    expect((await rejection(() => new Array(32).fill('0.1') as unknown as number[])).message).toBe('layer 1 (dense1): entry 0 of the returned array is a string "0.1"; expected numbers only');
    expect((await rejection(() => 0.1 as unknown as number[])).message).toMatch(/layer 1 \(dense1\): returned the number 0.1; expected/);
  });

  it('the wrong number of values', async () => {
    const error = await rejection((layer) => new Float32Array(layer.fanIn));
    expect(error.kind).toBe('length');
    expect(error.message).toBe('layer 1 (dense1): returned a Float32Array of length 4; expected 32 values (shape [4, 8])');
    expect((await rejection(() => [1, 2, 3])).message).toBe('layer 1 (dense1): returned an array of length 3; expected 32 values (shape [4, 8])');
  });

  it('NaN or ±Infinity, with the first bad entry', async () => {
    const error = await rejection((layer, tools) => {
      const w = he(layer, tools) as Float32Array;
      if (layer.index === 3) { w[5] = NaN; w[7] = Infinity; w[9] = NaN; }
      return w;
    });
    expect(error.kind).toBe('non-finite');
    expect(error.message).toBe('layer 3 (dense3): the weights contain 2 NaN and 1 ±Infinity (first at entry 5); every weight must be a finite number');
    // e.g. 1/0 from a fan computed as zero:
    expect((await rejection((layer, { random }) => random.normal(layer.shape, 0, Math.sqrt(2 / 0)))).message).toMatch(/layer 1 \(dense1\): the weights contain 32 ±Infinity/);
  });

  it('a thrown error, undefined, a Promise', async () => {
    const thrown = await rejection((layer) => { if (layer.index === 2) throw new RangeError('fan is zero'); return new Float32Array(32).map(() => Math.random() - 0.5); });
    expect(thrown.kind).toBe('threw');
    expect(thrown.message).toBe('layer 2 (dense2): your initializer threw RangeError: fan is zero');
    expect((await rejection((() => undefined) as unknown as LearnerInitializer)).message).toMatch(/layer 1 \(dense1\): returned undefined \(did you forget `return`\?\)/);
    const promised = await rejection((async (layer: { shape: number[] }) => new Float32Array(32)) as unknown as LearnerInitializer);
    expect(promised.kind).toBe('async');
    expect(promised.message).toMatch(/layer 1 \(dense1\): your initializer returned a Promise/);
  });

  it('cleans up the tensors an initializer creates, also when it throws', async () => {
    const before = tf.memory().numTensors;
    await runLab({ network, initializer: (layer, { tf }) => { tf.ones([100]); return tf.randomNormal(layer.shape as number[]); }, batch: 2 });
    await rejection((layer, { tf }) => { tf.ones([100]); throw new Error('x'); });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the learner a frozen copy of the layer info', async () => {
    const error = await rejection((layer) => { (layer.shape as number[])[0] = 1; return []; });
    expect(error.message).toMatch(/layer 1 \(dense1\): your initializer threw TypeError/);
  });
});

describe('loading a learner file', () => {
  const load = (source: string) => evaluateInitializerModule(transpileLearnerSource(source, 'answer.ts'), 'answer.ts', tf);

  it('finds export default and export function init', () => {
    expect(typeof load('export default function init(layer: LayerInfo) { return []; }')).toBe('function');
    expect(typeof load('export function init(layer: LayerInfo) { return []; }')).toBe('function');
    expect(typeof load("import * as tfc from '@tensorflow/tfjs-core';\nexport default (l: LayerInfo) => tfc.zeros(l.shape as number[]);")).toBe('function');
  });

  it('says what the file exports when there is no initializer', () => {
    expect(() => load('export const std = 0.1;')).toThrow(/answer.ts: no initializer found \(it exports "std"\); write `export default function init/);
    expect(() => load('const x = 1;')).toThrow(/it exports nothing/);
  });

  it('refuses other imports and reports errors thrown while loading', () => {
    expect(() => load("import fs from 'node:fs';\nexport default () => fs.readFileSync('/etc/hostname');")).toThrow(/answer.ts: loading your file threw Error: cannot import "node:fs" here/);
    expect(() => load("throw new Error('boom');")).toThrow(/answer.ts: loading your file threw Error: boom/);
  });

  it('reports syntax errors with file, line and column', () => {
    expect(() => compileLearnerSource('export default function init(layer) {\n  return [1, 2;\n}', 'answer.ts')).toThrow(CompileError);
    expect(() => compileLearnerSource('export default function init(layer) {\n  return [1, 2;\n}', 'answer.ts')).toThrow(/^answer.ts:2:15: ',' expected/);
  });
});

describe('time limit (the learner realm runs in its own worker thread)', () => {
  it('stops an endless loop and names the layer it was filling', async () => {
    const exercise = await loadExercise('lecun-tanh');
    const source = `export default function init(layer: LayerInfo, { random }: InitTools): Weights {
      if (layer.index === 3) { while (true) {} }
      return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
    }`;
    const started = Date.now();
    const outcome = await gradeSource(exercise, source, 'loop.ts', { timeLimitMs: 1500 });
    expect(outcome.passed).toBe(false);
    expect(outcome.error).toEqual({ kind: 'timeout', layer: 3, network: 0 });
    // Layers 1 and 2 came back at once; layer 3 ran for the whole limit: stuck on it, not slow everywhere.
    expect(outcome.message).toMatch(/^your initializer was still working on layer 3 \(dense3\) after 1\.5 s: that layer had run for [\d.]+ s, while the 2 layers before it took [\d.]+ m?s each: an endless loop, or far more work on this layer than on those before it$/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('calls slow code that returns every layer late "too slow", with its pace and what the whole network would take', async () => {
    const exercise = await loadExercise('lecun-tanh');
    const depth = weightLayers(resolveNetwork(exercise.networks[0])).length;
    expect(depth).toBeGreaterThan(8);
    // Every layer busy for 0.3 s of wall time, like a slow orthogonal of the learner's own: 4–5 layers fit in 1.5 s.
    const source = `export default function init(layer: LayerInfo, { random }: InitTools): Weights {
      const started = Date.now();
      while (Date.now() - started < 300) {}
      return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
    }`;
    const outcome = await gradeSource(exercise, source, 'slow.ts', { timeLimitMs: 1500 });
    expect(outcome.error?.kind).toBe('timeout');
    const match = /^your initializer was still working on layer (\d+) \(dense\1\) after 1\.5 s: too slow\. It returned (\d+) layers in ([\d.]+) s \(([\d.]+) s a layer\), so all (\d+) layers would take about ([\d.]+) s$/.exec(outcome.message);
    expect(match, outcome.message).not.toBeNull();
    const [, layer, returned, , perLayer, total] = match!.map(Number);
    expect(returned).toBe(layer - 1);
    expect(returned).toBeGreaterThanOrEqual(2);
    expect(perLayer).toBeGreaterThanOrEqual(0.3);
    expect(perLayer).toBeLessThan(0.75);
    expect(total).toBe(depth);
  });
});

describe('gradeSubmission never trusts what comes back from a learner realm', () => {
  const tanh = (depth = 3) => parseExercise({
    id: 'tiny', title: 't', lesson: 'lessons/x', summary: 's', timeLimitMs: 1000, hints: [], wrongAnswers: [],
    networks: [{ preset: 'mlp', depth, width: 8, activation: 'tanh', inputSize: 8 }],
    criteria: { batch: 16, reference: { name: 'lecun_normal' }, forward: {} },
  }, 'tiny');
  const good = (size: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(i * 12.9898) * Math.sqrt(3 / 8));
  /** A realm that sends what `messages(layer)` says for each layer, after learner-ready. */
  const realm = (messages: (layer: number) => unknown[]): LearnerSource => function* (job) {
    yield { type: 'learner-ready' };
    for (const layer of job.networks[0].layers) yield* messages(layer.index);
    yield { type: 'learner-done' };
  };
  const weights = (layer: number, values: unknown) => ({ type: 'weights', network: 0, layer, values });

  it('a wrong length, NaN, or a plain array posing as weights are the learner\'s errors, naming the layer', async () => {
    const short = await gradeSubmission(tanh(), realm((l) => [weights(l, l === 2 ? new Float32Array(63) : good(64))]));
    expect(short.message).toBe('layer 2 (dense2): 63 weights came back; expected 64 values (shape [8, 8])');
    expect(short.checks.at(-1)).toEqual({ name: 'initializer', status: 'error', message: short.message, layer: 2 });
    const nan = good(64);
    nan[5] = NaN;
    const withNaN = await gradeSubmission(tanh(), realm((l) => [weights(l, l === 3 ? nan : good(64))]));
    expect(withNaN.message).toBe('layer 3 (dense3): the weights contain 1 NaN (first at entry 5); every weight must be a finite number');
    // A plain array is not a Float32Array: parseFromLearner drops the message as not part of the protocol.
    const plain = await gradeSubmission(tanh(), realm((l) => [weights(l, Array.from(good(64)))]));
    expect(plain.passed).toBe(false);
    expect(plain.message).toMatch(/not part of the protocol/);
  });

  it('weights out of order, or a "done" before the last layer, fail instead of being graded', async () => {
    const swapped = await gradeSubmission(tanh(), realm((l) => [weights(l === 1 ? 2 : l, good(64))]));
    expect(swapped.message).toBe("the learner's realm sent the weights of network 1, layer 2 where layer 1 (dense1) was due");
    const early: LearnerSource = function* () {
      yield { type: 'learner-ready' };
      yield weights(1, good(64));
      yield { type: 'learner-done' };
    };
    expect((await gradeSubmission(tanh(), early)).message).toBe("the learner's realm finished without the weights of layer 2 (dense2)");
  });

  it('the grader keeps the clock: a realm that stops answering is closed and the time-out names its layer', async () => {
    let closed = false;
    const stuck: LearnerSource = () => {
      const queue: unknown[] = [{ type: 'learner-ready' }, { type: 'layer-start', network: 0, layer: 1 }, weights(1, good(64)), { type: 'layer-start', network: 0, layer: 2 }];
      const iterator: AsyncIterableIterator<unknown> = {
        [Symbol.asyncIterator]: () => iterator,
        next: () => (queue.length ? Promise.resolve({ done: false, value: queue.shift() }) : new Promise<IteratorResult<unknown>>(() => {})),
        return: () => { closed = true; return Promise.resolve({ done: true, value: undefined }); },
      };
      return iterator;
    };
    const report = await gradeSubmission(tanh(), stuck, { timeLimitMs: 300 });
    expect(report.message).toMatch(/^your initializer was still working on layer 2 \(dense2\) after 0\.3 s: that layer had run for 0\.3\d* s, while the layer before it took \d+ ms: an endless loop, or far more work on this layer than on those before it$/);
    expect(report.error).toEqual({ kind: 'timeout', layer: 2, network: 0 });
    expect(closed).toBe(true);
  });

  it('valid weights from the realm are graded like the same weights drawn in-process', async () => {
    const exercise = tanh();
    const reference = await gradeSubmission(exercise, { name: 'lecun_normal' });
    const drawn = initializeWeights(resolveNetwork(exercise.networks[0]), { name: 'lecun_normal' }, exercise.criteria.seed);
    const viaRealm = await gradeSubmission(exercise, realm((l) => [weights(l, new Float32Array(drawn[l - 1]))]));
    expect(viaRealm.passed).toBe(true);
    expect(viaRealm.results[0].layers.map((l) => l.forward.preVar)).toEqual(reference.results[0].layers.map((l) => l.forward.preVar));
  });
});

describe('timeoutMessage (one wording for the CLI and the browser page)', () => {
  it('says "too slow" when the layers before came back at a pace that explains the time-out, and "endless loop" only when it cannot tell or one layer hangs', async () => {
    const { timeoutMessage } = await import('../../src/engine/realm-protocol');
    expect(timeoutMessage(60_000, undefined)).toBe('stopped after the time limit of 60 s before your initializer returned any layer: too slow, or an endless loop');
    expect(timeoutMessage(60_000, { layer: 1, layerName: 'dense1' })).toBe('your initializer was still working on layer 1 (dense1) after 60 s: too slow, or an endless loop');
    // The browser page knows the layer but not the pace: the layers before it did come back.
    expect(timeoutMessage(60_000, { layer: 24, layerName: 'dense24' })).toBe('your initializer was still working on layer 24 (dense24) after 60 s, with the layers before it returned: too slow for this network, or stuck on this layer');
    // 23 layers in 58.5 s and 1.5 s into the 24th: the pace of a Gram–Schmidt of 512 × 512 on a slow machine.
    expect(timeoutMessage(60_000, { layer: 24, layerName: 'dense24', pace: { returnedLayers: 23, returnedMs: 58_500, currentMs: 1500, totalLayers: 100 } }))
      .toBe('your initializer was still working on layer 24 (dense24) after 60 s: too slow. It returned 23 layers in 58.5 s (2.5 s a layer), so all 100 layers would take about 254 s');
    expect(timeoutMessage(60_000, { network: 'deep', layer: 2, layerName: 'dense2', pace: { returnedLayers: 1, returnedMs: 4, currentMs: 59_996, totalLayers: 100 } }))
      .toBe('deep: your initializer was still working on layer 2 (dense2) after 60 s: that layer had run for 60 s, while the layer before it took 4 ms: an endless loop, or far more work on this layer than on those before it');
    // One slow layer of 40 s and 20 s into the second: the same pace, so too slow, not stuck.
    expect(timeoutMessage(60_000, { layer: 2, pace: { returnedLayers: 1, returnedMs: 40_000, currentMs: 20_000, totalLayers: 8 } }))
      .toBe('your initializer was still working on layer 2 after 60 s: too slow. It returned 1 layer in 40 s (40 s a layer), so all 8 layers would take about 320 s');
  });
});

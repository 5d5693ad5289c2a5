/**
 * The training widget's "yours": only the weights of a learner's initializer, for a network that is no
 * exercise's, through the grader's own realm channel (learnerWeights), and what the page accepts back from
 * the grader worker (weightsProblem, parseTrainPoint). Also the results panel's training-curve model.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { inProcessLearner, learnerWeights, type LearnerSource } from '../../src/engine/submission';
import { weightLayers } from '../../src/engine/networks';
import { classifierMlp } from '../../src/engine/train-networks';
import type { LearnerInitializer } from '../../src/engine/learner-api';
import { parseTrainPoint, weightsProblem, type FromWorker } from '../../src/runner/protocol';
import { alignedCurves, withTrainPoint, type TrainingCurves } from '../../src/components/exercise/results-model';

beforeAll(async () => {
  await setupBackend();
});

const network = classifierMlp({ depth: 4, width: 64, activation: 'relu', inputSize: 64, classes: 10 });
const networks = [{ name: network.name, layers: weightLayers(network) }];
const job = { seed: 1, networks };

describe('learnerWeights: the weights of the learner\'s initializer for the widget\'s network', () => {
  it('returns one array per layer of the exact size, drawn by the learner\'s code (He: std √(2/fan_in))', async () => {
    const he: LearnerInitializer = (layer, { random }) => random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
    const result = await learnerWeights(inProcessLearner(he), job, { timeLimitMs: 10_000 });
    if (!('weights' in result)) throw new Error(result.error.message);
    expect(result.weights).toHaveLength(1);
    const layers = networks[0].layers;
    expect(result.weights[0].map((w) => w.length)).toEqual(layers.map((l) => l.shape[0] * l.shape[1]));
    result.weights[0].forEach((w, i) => {
      const n = w.length;
      const mean = w.reduce((a, b) => a + b, 0) / n;
      const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
      const expected = Math.sqrt(2 / layers[i].fanIn);
      // The sample std of n normal draws has relative sd ≈ 1/√(2n): six of them.
      expect(Math.abs(std / expected - 1)).toBeLessThan(6 / Math.sqrt(2 * n));
    });
  });

  it('a throwing initializer and NaN weights come back as the learner\'s errors, naming the layer', async () => {
    const throwing: LearnerInitializer = (layer) => {
      if (layer.index === 2) throw new Error('no idea what to do here');
      return new Float32Array(layer.shape[0] * layer.shape[1]);
    };
    const thrown = await learnerWeights(inProcessLearner(throwing), job, { timeLimitMs: 10_000 });
    expect(thrown).toMatchObject({ error: { kind: 'threw', layer: 2, network: 0 } });
    expect('error' in thrown && thrown.error.message).toMatch(/^layer 2 \(dense2\).*no idea what to do here/);

    const nan: LearnerInitializer = (layer) => new Float32Array(layer.shape[0] * layer.shape[1]).fill(NaN);
    const withNaN = await learnerWeights(inProcessLearner(nan), job, { timeLimitMs: 10_000 });
    expect(withNaN).toMatchObject({ error: { kind: 'non-finite', layer: 1 } });
    expect('error' in withNaN && withNaN.error.message).toMatch(/^layer 1 \(dense1\): the weights contain 4096 NaN/);
  });

  it('keeps the clock like gradeSubmission: a realm that stops answering times out naming its layer, and is closed', async () => {
    let closed = false;
    const stuck: LearnerSource = () => {
      const queue: unknown[] = [{ type: 'learner-ready' }, { type: 'layer-start', network: 0, layer: 1 }];
      const iterator: AsyncIterableIterator<unknown> = {
        [Symbol.asyncIterator]: () => iterator,
        next: () => (queue.length ? Promise.resolve({ done: false, value: queue.shift() }) : new Promise<IteratorResult<unknown>>(() => {})),
        return: () => {
          closed = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
      return iterator;
    };
    const result = await learnerWeights(stuck, job, { timeLimitMs: 200 });
    expect(result).toEqual({ error: { kind: 'timeout', layer: 1, network: 0, message: 'your initializer was still working on layer 1 (dense1) after 0.2 s: too slow, or an endless loop' } });
    expect(closed).toBe(true);
  });
});

describe('what the page accepts from the grader worker', () => {
  const sizes = networks[0].layers.map((l) => l.shape[0] * l.shape[1]);
  const good = () => [sizes.map((n) => new Float32Array(n).fill(0.01))];

  it('weightsProblem: exactly one finite Float32Array of the layer\'s size per layer, in the engine\'s words for a learner\'s layer', () => {
    expect(weightsProblem(good(), networks)).toBeNull();
    const short = good();
    short[0][2] = new Float32Array(5);
    expect(weightsProblem(short, networks)).toBe(`layer 3 (dense3): 5 weights came back; expected ${sizes[2]} values (shape [64, 64])`);
    const infinite = good();
    infinite[0][0][7] = Infinity;
    expect(weightsProblem(infinite, networks)).toBe('layer 1 (dense1): the weights contain 1 ±Infinity (first at entry 7); every weight must be a finite number');
    expect(weightsProblem([good()[0].slice(0, 3)], networks)).toBe(`expected 4 weight arrays for ${network.name}`);
    expect(weightsProblem([sizes.map((n) => Array.from({ length: n }, () => 0))], networks)).toBe('layer 1 (dense1): the weights that came back are an object (Array), not a Float32Array');
    expect(weightsProblem('weights', networks)).toBe('expected the weights of 1 network(s)');
  });

  it('parseTrainPoint copies the fields it draws and rejects anything else', () => {
    const point = { step: 4, loss: 2.1, heldOutLoss: 2.2, heldOutAccuracy: 0.3, layers: [{ gradNorm: 0.5, updateRatio: 1e-3, extra: 'x' }] };
    const msg = { type: 'train-point', runId: 1, networkIndex: 0, seed: 2, seedIndex: 1, seeds: 2, steps: 200, point } as FromWorker & { type: 'train-point' };
    expect(parseTrainPoint(msg)).toEqual({
      type: 'train-progress', networkIndex: 0, seed: 2, seedIndex: 1, seeds: 2, steps: 200,
      point: { step: 4, loss: 2.1, heldOutLoss: 2.2, heldOutAccuracy: 0.3, layers: [{ gradNorm: 0.5, updateRatio: 1e-3 }] },
    });
    expect(parseTrainPoint({ ...msg, seedIndex: 2 })).toBeNull();
    expect(parseTrainPoint({ ...msg, steps: -1 })).toBeNull();
    expect(parseTrainPoint({ ...msg, point: { ...point, loss: '2.1' } } as never)).toBeNull();
    expect(parseTrainPoint({ ...msg, point: { ...point, layers: [null] } } as never)).toBeNull();
  });
});

describe('the results panel\'s training curves', () => {
  const point = (step: number, loss: number) => ({ step, loss, heldOutLoss: loss, heldOutAccuracy: 1 / loss, layers: [] });
  const event = (seed: number, seedIndex: number, step: number, loss: number) =>
    ({ type: 'train-progress', networkIndex: 0, seed, seedIndex, seeds: 2, steps: 10, point: point(step, loss) }) as const;

  it('collects streamed points per seed, and aligns the learner with the reference by step', () => {
    let curves: TrainingCurves = [];
    curves = withTrainPoint(curves, event(1, 0, 0, 2.3), 'net');
    curves = withTrainPoint(curves, event(1, 0, 2, 1.5), 'net');
    const before = curves;
    curves = withTrainPoint(curves, event(2, 1, 0, 2.4), 'net');
    expect(before[0].curves).toHaveLength(1);
    expect(curves).toEqual([{ network: 'net', curves: [{ seed: 1, points: [point(0, 2.3), point(2, 1.5)] }, { seed: 2, points: [point(0, 2.4)] }] }]);
    const reference = { seed: 1, points: [point(0, 2.2), point(1, 1.9), point(2, 1.0)] };
    expect(alignedCurves(curves[0].curves[0], reference, (p) => p.loss)).toEqual({ steps: [0, 1, 2], learner: [2.3, null, 1.5], reference: [2.2, 1.9, 1.0] });
  });
});

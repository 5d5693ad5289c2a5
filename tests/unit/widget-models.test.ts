/**
 * The numbers behind the lesson widgets, against oracles of their own: values computed by hand (python, float64)
 * and quoted in the lessons, Monte-Carlo estimates checked against closed forms, and statistics recomputed here.
 */
import { describe, expect, test } from 'vitest';
import { meanFieldTheory, runMiniMlp } from '~/engine/mini-mlp';
import { chainValues } from '~/components/widgets/ChainWidget';
import { sampleSums } from '~/components/widgets/SumVarianceWidget';
import { ALEXNET_WEIGHT_LAYERS, alexnetForwardVariance } from '~/components/widgets/lib/alexnet-variance';
import { histogram } from '~/components/widgets/lib/histogram';
import { initStd } from '~/components/widgets/lib/initializers';

describe('ChainWidget: W = c·I', () => {
  test('activation c^l, gradient c^(L−l), output c^(L−1): the numbers for c = 1.2, L = 50', () => {
    const v = chainValues(1.2, 50);
    expect(v.layers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // 1.2^50 = 9100.43815 and 1.2^49 = 7583.69846 (python, float64).
    expect(v.activation[0]).toBeCloseTo(1.2, 12);
    expect(v.activation[49]).toBeCloseTo(9100.43815, 4);
    expect(v.gradient[0]).toBeCloseTo(7583.69846, 4);
    expect(v.gradient[49]).toBe(1);
    expect(v.output).toBeCloseTo(7583.69846, 4);
    // c = 0.9 over 50 layers: 0.9^50 = 0.00515378 (lesson 1's vanishing example).
    expect(chainValues(0.9, 50).activation[49]).toBeCloseTo(0.00515378, 8);
  });
});

describe('SumVarianceWidget: Var[Σ w_i x_i] = n·Var[w]', () => {
  // predicted: n·std² worked by hand (lesson 2's table has 512 · 10⁻⁴ = 0.0512).
  test.each([
    [1, 1, 1],
    [256, 1, 256],
    [512, 0.01, 0.0512],
    [1024, 1 / 32, 1],
  ])('n = %i, std %f: predicted %f, measured within 10%% of it', (n, std, predicted) => {
    const r = sampleSums(n, std, 4000, 3);
    expect(r.predicted).toBeCloseTo(predicted, 12);
    expect(Math.abs(r.measured / r.predicted - 1)).toBeLessThan(0.1);
    // The histogram is a density: it integrates to the fraction of samples inside the plotted range.
    const binWidth = r.centers[1] - r.centers[0];
    const area = r.density.reduce((s, d) => s + d * binWidth, 0);
    expect(area).toBeCloseTo(1 - r.outside / 4000, 10);
  });
});

describe('mini MLP simulation', () => {
  const he = (f: { fanIn: number }) => Math.sqrt(2 / f.fanIn);

  test('first layer: measured Var[y] and Var[a] match the theory (ReLU, He)', () => {
    const run = runMiniMlp({ depth: 1, width: 128, batch: 64, activation: 'relu', weightStd: he, seed: 5 });
    const theory = meanFieldTheory({ depth: 1, width: 128, activation: 'relu', weightStd: he });
    expect(theory.preActivationVariance[0]).toBeCloseTo(2, 10);
    // Var[relu(y)] = Var[y]·(1/2 − 1/(2π)) for y ~ N(0, q).
    expect(theory.forwardVariance[0]).toBeCloseTo(2 * (0.5 - 1 / (2 * Math.PI)), 3);
    expect(Math.abs(run.preActivationVariance[0] / 2 - 1)).toBeLessThan(0.1);
    expect(Math.abs(run.forwardVariance[0] / theory.forwardVariance[0] - 1)).toBeLessThan(0.1);
  });

  test('N(0, 1) weights in a linear net multiply the variance by n per layer', () => {
    const run = runMiniMlp({ depth: 3, width: 64, batch: 32, activation: 'linear', weightStd: () => 1, seed: 2 });
    const ratio = run.forwardVariance[2] / run.forwardVariance[1];
    expect(Math.log(ratio / 64)).toBeLessThan(Math.log(1.5));
    expect(Math.log(ratio / 64)).toBeGreaterThan(-Math.log(1.5));
  });

  test('backward pass: Var[∂L/∂a] of the top layer is the loss gradient variance (≈ 1); the one below scales by n·Var[w]·E[φ′²]', () => {
    const std = 0.5 / Math.sqrt(64);
    const run = runMiniMlp({ depth: 2, width: 64, batch: 64, activation: 'linear', weightStd: () => std, seed: 9 });
    expect(Math.abs(run.backwardVariance[1] - 1)).toBeLessThan(0.1);
    expect(Math.abs(run.backwardVariance[0] / 0.25 - 1)).toBeLessThan(0.2);
  });

  test('residual connections keep the identity path: a zero-weight residual net passes its input through', () => {
    const run = runMiniMlp({ depth: 5, width: 16, batch: 8, activation: 'relu', weightStd: () => 0, residual: true, seed: 1 });
    expect(run.forwardVariance[4]).toBeCloseTo(run.forwardVariance[0], 6);
    expect(run.backwardVariance[0]).toBeCloseTo(run.backwardVariance[4], 6);
  });

  test('tanh with N(0, 1) weights saturates most units; captured layer has batch × width values', () => {
    const run = runMiniMlp({ depth: 3, width: 64, batch: 32, activation: 'tanh', weightStd: () => 1, captureLayer: 2, backward: false, seed: 4 });
    expect(run.saturatedFraction[1]).toBeGreaterThan(0.6);
    expect(run.captured).toHaveLength(64 * 32);
    // The captured values are the layer whose variance is reported: recomputed here, two-pass in float64.
    const values = Array.from(run.captured!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const recomputed = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(recomputed).toBeGreaterThan(0);
    expect(recomputed / run.forwardVariance[1]).toBeCloseTo(1, 5);
  });

  test('rejects sizes outside what a widget can simulate, naming the field', () => {
    expect(() => runMiniMlp({ depth: 0, width: 8, batch: 8, activation: 'relu', weightStd: he })).toThrow(/depth/);
    expect(() => runMiniMlp({ depth: 2, width: 1000, batch: 8, activation: 'relu', weightStd: he })).toThrow(/width/);
  });
});

describe('widget initializer choices', () => {
  test('He, LeCun, Glorot and a fixed σ, with gain', () => {
    const fans = { fanIn: 100, fanOut: 300 };
    expect(initStd('he', fans, 0)).toBeCloseTo(Math.sqrt(2 / 100), 12);
    expect(initStd('lecun', fans, 0)).toBeCloseTo(Math.sqrt(1 / 100), 12);
    expect(initStd('glorot', fans, 0)).toBeCloseTo(Math.sqrt(2 / 400), 12);
    expect(initStd('normal', fans, 0.01, 2)).toBeCloseTo(0.02, 12);
    expect(initStd('lecun', fans, 0, 5 / 3)).toBeCloseTo((5 / 3) * Math.sqrt(1 / 100), 12);
  });
});

describe('AlexNetVarianceWidget recursion', () => {
  test('8 weight layers; He keeps Var[y] at 2 after every layer', () => {
    expect(ALEXNET_WEIGHT_LAYERS.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    const v = alexnetForwardVariance((layer) => 2 / layer.fanIn);
    for (const x of v) expect(x).toBeCloseTo(2, 12);
  });

  test('σ = 0.01: the predicted Var[y_l] of lesson 6\'s table', () => {
    // Running products of conv1's 363·10⁻⁴ and ½·fan_in·10⁻⁴ for fan_in 2400, 2304, 3456, 3456, 9216, 4096, 4096,
    // computed by hand (python): the table in lesson 6 rounds them to 2 digits.
    const table = [3.63e-2, 4.356e-3, 5.018112e-4, 8.67129754e-5, 1.49840021e-5, 6.90462819e-6, 1.41406785e-6, 2.89601096e-7];
    const v = alexnetForwardVariance(() => 1e-4);
    expect(v).toHaveLength(8);
    v.forEach((x, i) => expect(x / table[i]).toBeCloseTo(1, 6));
  });
});

describe('histogram', () => {
  test('counts values into fixed bins, including the upper edge', () => {
    const h = histogram([-1, -0.5, 0, 0.5, 1, 2], -1, 1, 4);
    expect(h.fractions.map((f) => f * 6)).toEqual([1, 1, 1, 2]);
    expect(h.counted).toBe(5);
  });
});

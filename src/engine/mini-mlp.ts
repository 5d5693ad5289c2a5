/**
 * A small fully-connected network simulated in plain TypeScript, for lesson widgets.
 * Pure math, no TF.js: it runs in the page at slider speed (width ≤ 128, batch ≤ 64, depth ≤ 100 is
 * a few tens of milliseconds). Its theory lines come from the engine's theory.ts.
 *
 * Forward:  y_l = a_{l-1} W_l,  a_l = φ(y_l)  (+ a_{l-1} with residual connections),  a_0 = x ~ N(0, 1).
 * Backward: ∂L/∂a_L ~ N(0, 1) (a random loss gradient),  ∂L/∂a_{l-1} = (∂L/∂a_l ⊙ φ'(y_l)) W_lᵀ  (+ ∂L/∂a_l).
 * Every W_l is width × width with entries N(0, σ_l²).
 */
import type { Activation } from './types';
import { createRandom } from './random';
import { activation, derivative, gaussianExpectation, meanField } from './theory';

export interface MiniMlpOptions {
  depth: number;
  width: number;
  batch: number;
  activation: Activation;
  /** Std of the weights of layer l (1-based), given its fans. */
  weightStd: (layer: { index: number; fanIn: number; fanOut: number }) => number;
  residual?: boolean;
  seed?: number;
  /** Also run the backward pass (default true). */
  backward?: boolean;
  /** Keep a copy of the activations a_l of this layer (1-based), e.g. for a histogram. */
  captureLayer?: number;
  /** |a| above which a tanh unit counts as saturated (sigmoid: a < 1 − t or a > t). Default 0.97, as the engine's lab.ts (SATURATION_LEVEL). */
  saturationThreshold?: number;
}

export interface MiniMlpResult {
  /** Var[a_l] for l = 1..depth (index 0 is layer 1). */
  forwardVariance: Float64Array;
  /** Var[y_l], the pre-activations, for l = 1..depth. */
  preActivationVariance: Float64Array;
  /** Var[∂L/∂a_l] for l = 1..depth (the top layer's is the loss gradient's, ≈ 1). */
  backwardVariance: Float64Array;
  /** Fraction of saturated units in a_l (tanh and sigmoid; 0 for other activations). */
  saturatedFraction: Float64Array;
  /** a_l of `captureLayer`, batch × width values. */
  captured?: Float32Array;
}

export const MINI_MLP_LIMITS = { maxDepth: 152, maxWidth: 256, maxBatch: 128 } as const;

export function variance(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let sum = 0;
  for (let i = 0; i < values.length; i++) { const d = values[i] - mean; sum += d * d; }
  return sum / values.length;
}

function saturation(values: Float32Array, activation: Activation, threshold: number): number {
  if (activation !== 'tanh' && activation !== 'sigmoid') return 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (activation === 'tanh' ? Math.abs(v) > threshold : v > threshold || v < 1 - threshold) count++;
  }
  return count / values.length;
}

/** out[b, j] = Σ_i input[b, i] · w[i, j]  (row-major, batch × n times n × m). */
function matmul(input: Float32Array, w: Float32Array, out: Float32Array, batch: number, n: number, m: number): void {
  out.fill(0);
  for (let b = 0; b < batch; b++) {
    const ib = b * n, ob = b * m;
    for (let i = 0; i < n; i++) {
      const x = input[ib + i];
      if (x === 0) continue;
      const wi = i * m;
      for (let j = 0; j < m; j++) out[ob + j] += x * w[wi + j];
    }
  }
}

/** out[b, i] = Σ_j grad[b, j] · w[i, j]  (multiplies by wᵀ). */
function matmulTransposed(grad: Float32Array, w: Float32Array, out: Float32Array, batch: number, n: number, m: number): void {
  for (let b = 0; b < batch; b++) {
    const gb = b * m, ob = b * n;
    for (let i = 0; i < n; i++) {
      const wi = i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += grad[gb + j] * w[wi + j];
      out[ob + i] = s;
    }
  }
}

export function runMiniMlp(options: MiniMlpOptions): MiniMlpResult {
  const { depth, width, batch, activation: kind } = options;
  if (!Number.isInteger(depth) || depth < 1 || depth > MINI_MLP_LIMITS.maxDepth) throw new Error(`mini-mlp: depth must be an integer in 1..${MINI_MLP_LIMITS.maxDepth}, got ${depth}`);
  if (!Number.isInteger(width) || width < 1 || width > MINI_MLP_LIMITS.maxWidth) throw new Error(`mini-mlp: width must be an integer in 1..${MINI_MLP_LIMITS.maxWidth}, got ${width}`);
  if (!Number.isInteger(batch) || batch < 1 || batch > MINI_MLP_LIMITS.maxBatch) throw new Error(`mini-mlp: batch must be an integer in 1..${MINI_MLP_LIMITS.maxBatch}, got ${batch}`);
  const residual = options.residual ?? false;
  const doBackward = options.backward ?? true;
  const threshold = options.saturationThreshold ?? 0.97;
  const phi = (y: number) => activation(kind, y);
  const dphi = (y: number) => derivative(kind, y);
  const random = createRandom(options.seed ?? 1);
  const size = batch * width;

  const weights: Float32Array[] = [];
  const pre: Float32Array[] = []; // y_l, kept for the backward pass
  const forwardVariance = new Float64Array(depth);
  const preActivationVariance = new Float64Array(depth);
  const saturatedFraction = new Float64Array(depth);
  let captured: Float32Array | undefined;

  let a = random.fillNormal(new Float32Array(size));
  for (let l = 1; l <= depth; l++) {
    const std = options.weightStd({ index: l, fanIn: width, fanOut: width });
    const w = random.fillNormal(new Float32Array(width * width), 0, std);
    weights.push(w);
    const y = new Float32Array(size);
    matmul(a, w, y, batch, width, width);
    pre.push(y);
    const next = new Float32Array(size);
    for (let k = 0; k < size; k++) next[k] = phi(y[k]) + (residual ? a[k] : 0);
    a = next;
    preActivationVariance[l - 1] = variance(y);
    forwardVariance[l - 1] = variance(a);
    saturatedFraction[l - 1] = saturation(a, kind, threshold);
    if (options.captureLayer === l) captured = a.slice();
  }

  const backwardVariance = new Float64Array(depth);
  if (doBackward) {
    let g = random.fillNormal(new Float32Array(size)); // ∂L/∂a_depth
    const local = new Float32Array(size);
    for (let l = depth; l >= 1; l--) {
      backwardVariance[l - 1] = variance(g);
      if (l === 1) break;
      const y = pre[l - 1];
      for (let k = 0; k < size; k++) local[k] = g[k] * dphi(y[k]);
      const below = new Float32Array(size);
      matmulTransposed(local, weights[l - 1], below, batch, width, width);
      if (residual) for (let k = 0; k < size; k++) below[k] += g[k];
      g = below;
    }
  }
  return { forwardVariance, preActivationVariance, backwardVariance, saturatedFraction, captured };
}

// ---- Mean-field theory (the engine's theory.ts) in the quantities the widgets plot --------------

export interface MeanFieldOptions {
  depth: number;
  width: number;
  activation: Activation;
  weightStd: MiniMlpOptions['weightStd'];
  /** Second moment of the input, E[x²] (default 1). */
  inputSecondMoment?: number;
}

export interface MeanFieldResult {
  /** Predicted Var[a_l], l = 1..depth. */
  forwardVariance: Float64Array;
  /** Predicted Var[y_l]. */
  preActivationVariance: Float64Array;
  /** Predicted Var[∂L/∂a_l], with Var[∂L/∂a_depth] = 1. */
  backwardVariance: Float64Array;
}

/**
 * What an infinitely wide plain (non-residual) version of the simulated net gives on average, from the
 * engine's variance recursions (theory.ts `meanField`), as Var[a_l] = E[a_l²] − E[a_l]² and Var[∂L/∂a_l].
 */
export function meanFieldTheory(options: MeanFieldOptions): MeanFieldResult {
  const { depth, width, activation: kind } = options;
  const layers = Array.from({ length: depth }, (_, i) => {
    const std = options.weightStd({ index: i + 1, fanIn: width, fanOut: width });
    return { fanIn: width, units: width, activation: kind, weightVariance: std * std };
  });
  const prediction = meanField(layers, options.inputSecondMoment ?? 1);
  const forwardVariance = new Float64Array(depth);
  const backwardVariance = new Float64Array(depth);
  for (let l = 0; l < depth; l++) {
    const q = prediction.preVar[l];
    const mean = Number.isFinite(q) ? gaussianExpectation((z) => activation(kind, Math.sqrt(q) * z)) : 0;
    forwardVariance[l] = Math.max(0, prediction.actSecondMoment[l] - mean * mean);
    // ∂L/∂a_l reaches layer l through layer l+1: Var = units_{l+1} · Var[w_{l+1}] · Var[∂L/∂y_{l+1}].
    backwardVariance[l] = l === depth - 1 ? 1 : layers[l + 1].units * layers[l + 1].weightVariance * prediction.gradPreVar[l + 1];
  }
  return { forwardVariance, preActivationVariance: Float64Array.from(prediction.preVar), backwardVariance };
}

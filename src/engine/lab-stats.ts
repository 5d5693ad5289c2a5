/**
 * The lab's statistics: forward statistics from the pre-activations and the moments the backward pass reports
 * (weights are summarized in weight-summary.ts, which the grader shares). Plain loops over Float32Arrays in float64 (TF.js only for meanAndSquare on GPU backends).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LEAKY_RELU_SLOPE } from './networks';
import type { Activation, ForwardStats } from './types';
import type { WeightSummary } from './weight-summary';

/** Saturation threshold for tanh and sigmoid outputs, as in the lessons: |tanh| > 0.97, sigmoid < 0.03 or > 0.97. */
export const SATURATION_LEVEL = 0.97;
const TANH_SATURATED_INPUT = Math.atanh(SATURATION_LEVEL);
const SIGMOID_SATURATED_INPUT = Math.log(SATURATION_LEVEL / (1 - SATURATION_LEVEL));

/**
 * [mean, mean square] of all entries. On the CPU-side backends (wasm, cpu) reading the values and summing in JS
 * (float64) is several times cheaper than four reduction kernels; on GPU backends the reductions run there and
 * only two numbers come back.
 */
export async function meanAndSquare(x: tf.Tensor): Promise<[number, number]> {
  if (onCpuSideBackend()) return meanAndSquareOfValues((await x.data()) as Float32Array);
  const both = tf.tidy(() => tf.stack([tf.mean(x), tf.mean(tf.square(x))]));
  const [mean, square] = Array.from(await both.data());
  both.dispose();
  return [mean, square];
}

export function onCpuSideBackend(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** [mean, mean square] of the values, summed in float64 with two accumulators each. */
export function meanAndSquareOfValues(values: Float32Array): [number, number] {
  let s0 = 0, s1 = 0, q0 = 0, q1 = 0;
  const n = values.length;
  const even = n - (n % 2);
  for (let i = 0; i < even; i += 2) {
    const a = values[i], b = values[i + 1];
    s0 += a; s1 += b; q0 += a * a; q1 += b * b;
  }
  if (even < n) { s0 += values[even]; q0 += values[even] * values[even]; }
  return [(s0 + s1) / n, (q0 + q1) / n];
}

type ActivationSummary = Omit<ForwardStats, keyof WeightSummary>;

/**
 * Forward statistics from the pre-activations y (a = φ(y) computed on the fly, so the activations are never
 * downloaded): one pass for the moments, one per activation for E[a²], zeros and saturation, one for the histogram.
 * Each pass is a tight loop of its own: a switch inside one loop costs 3–5× more.
 */
export function activationStats(y: Float32Array, activation: Activation, bins: number, negativeSlope = LEAKY_RELU_SLOPE): ActivationSummary {
  const n = y.length;
  let sum = 0, sumSquares = 0, nonFinite = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    sum += v;
    sumSquares += v * v;
  }
  if (!Number.isFinite(sumSquares)) {
    for (let i = 0; i < n; i++) if (y[i] - y[i] !== 0) nonFinite++;
  }
  if (nonFinite > 0 || !Number.isFinite(sumSquares)) {
    return {
      preMean: NaN, preVar: Infinity, actSecondMoment: Infinity, zeroFraction: NaN, saturatedFraction: NaN,
      histogram: { min: 0, max: 0, counts: [] }, overflow: true,
    };
  }
  let actSquares = 0, zeros = 0, saturated = 0;
  if (activation === 'relu') {
    // Half of the signs are random: a branch on v > 0 is mispredicted half of the time (≈ 3× slower). On the
    // float's bits instead, (bits >>> 31) | ((bits − 1 | 0) >>> 31) is 1 exactly for v ≤ 0 (−0, +0 and negatives;
    // non-finite values were handled above).
    const bits = new Int32Array(y.buffer, y.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const v = y[i];
      const word = bits[i];
      const nonPositive = (word >>> 31) | (((word - 1) | 0) >>> 31);
      zeros += nonPositive;
      actSquares += (1 - nonPositive) * (v * v);
    }
  } else if (activation === 'leaky_relu') {
    let negativeSquares = 0;
    for (let i = 0; i < n; i++) {
      const v = y[i];
      if (v > 0) actSquares += v * v; else { negativeSquares += v * v; if (v === 0) zeros++; }
    }
    actSquares += negativeSlope * negativeSlope * negativeSquares;
  } else if (activation === 'tanh') {
    for (let i = 0; i < n; i++) {
      const v = y[i];
      const a = Math.tanh(v);
      actSquares += a * a;
      if (v === 0) zeros++;
      else if (v > TANH_SATURATED_INPUT || v < -TANH_SATURATED_INPUT) saturated++;
    }
  } else if (activation === 'sigmoid') {
    for (let i = 0; i < n; i++) {
      const v = y[i];
      const a = 1 / (1 + Math.exp(-v));
      actSquares += a * a;
      if (v > SIGMOID_SATURATED_INPUT || v < -SIGMOID_SATURATED_INPUT) saturated++;
    }
  } else {
    actSquares = sumSquares;
    for (let i = 0; i < n; i++) if (y[i] === 0) zeros++;
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSquares / n - mean * mean);
  return {
    preMean: mean, preVar: variance, actSecondMoment: actSquares / n, zeroFraction: zeros / n, saturatedFraction: saturated / n,
    histogram: histogram(y, mean, Math.sqrt(variance), bins), overflow: false,
  };
}

/** Counts over [mean − 4σ, mean + 4σ] in equal bins; values outside land in the edge bins. */
function histogram(y: Float32Array, mean: number, std: number, bins: number): ForwardStats['histogram'] {
  const counts = new Array<number>(bins).fill(0);
  if (!(std > 0)) {
    counts[Math.floor(bins / 2)] = y.length;
    return { min: mean, max: mean, counts };
  }
  const min = mean - 4 * std;
  const scale = bins / (8 * std);
  const tally = new Int32Array(bins);
  const last = bins - 1;
  for (let i = 0; i < y.length; i++) {
    const position = (y[i] - min) * scale;
    // Truncation (| 0) equals floor for position ≥ 0; anything below 0 lands in bin 0 either way.
    const b = position <= 0 ? 0 : position >= last ? last : position | 0;
    tally[b]++;
  }
  for (let b = 0; b < bins; b++) counts[b] = tally[b];
  return { min, max: mean + 4 * std, counts };
}

/**
 * What the grader reads from a layer's weights before any forward pass: mean, std, max |w|, the fraction beyond
 * 2 std and whether every unit got identical weights. Pure: no TF.js, no DOM, no Node built-ins (the grader's
 * weight-only checks run on it; lab.ts stores it in each layer's ForwardStats).
 */
import { orthogonalityDefect } from './orthogonality';
import type { ForwardStats } from './types';

export type WeightSummary = Pick<ForwardStats, 'weightMean' | 'weightStd' | 'weightMaxAbs' | 'weightTailFraction' | 'unitsIdentical' | 'weightOrthogonalityDefect'>;

/** Tail fractions are estimated on at most this many evenly spaced weights (plenty for a ±1 % estimate). */
export const TAIL_SAMPLE = 1 << 18;

/** How many weights the tail fraction of n weights is measured on (every stride-th one). */
export function tailSampleSize(n: number): number {
  const stride = Math.max(1, Math.floor(n / TAIL_SAMPLE));
  return Math.ceil(n / stride);
}

/** Mean, std, max |w|, the fraction beyond 2 std, and whether every unit (last axis) has identical weights. */
export function summarizeWeights(values: Float32Array, shape: readonly number[]): WeightSummary {
  // Four independent accumulators: the loop runs at memory speed instead of waiting on one chain of adds.
  // Math.max/min compile to branch-free instructions (≈ 3× faster than compare-and-branch here), but they
  // propagate NaN where the comparisons skip it: a NaN result takes the comparison loop again.
  // The moments are summed around the first weight (shift): constant weights then have a std of exactly 0, and
  // a large mean does not cancel the digits of a small spread.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0, max0 = 0, min0 = 0, max1 = 0, min1 = 0;
  const n = values.length;
  const n4 = n - (n % 4);
  const shift = n > 0 ? values[0] : 0;
  for (let i = 0; i < n4; i += 4) {
    const a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3];
    const da = a - shift, db = b - shift, dc = c - shift, dd = d - shift;
    s0 += da; s1 += db; s2 += dc; s3 += dd;
    q0 += da * da; q1 += db * db; q2 += dc * dc; q3 += dd * dd;
    max0 = Math.max(max0, a, b); min0 = Math.min(min0, a, b);
    max1 = Math.max(max1, c, d); min1 = Math.min(min1, c, d);
  }
  for (let i = n4; i < n; i++) {
    const a = values[i];
    const da = a - shift;
    s0 += da; q0 += da * da;
    max0 = Math.max(max0, a); min0 = Math.min(min0, a);
  }
  let max = Math.max(max0, max1), min = Math.min(min0, min1);
  if (Number.isNaN(max) || Number.isNaN(min)) {
    max = 0; min = 0;
    for (let i = 0; i < n; i++) {
      const a = values[i];
      if (a > max) max = a; if (a < min) min = a;
    }
  }
  const shiftedMean = (s0 + s1 + s2 + s3) / n;
  const mean = shift + shiftedMean;
  const std = Math.sqrt(Math.max(0, (q0 + q1 + q2 + q3) / n - shiftedMean * shiftedMean));
  const stride = Math.max(1, Math.floor(n / TAIL_SAMPLE));
  let tail = 0, sampled = 0;
  const bound = 2 * std;
  for (let i = 0; i < n; i += stride, sampled++) if (Math.abs(values[i] - mean) > bound) tail++;
  return {
    weightMean: mean, weightStd: std, weightMaxAbs: Math.max(max, -min), weightTailFraction: tail / sampled,
    unitsIdentical: unitsIdentical(values, shape[shape.length - 1]),
    weightOrthogonalityDefect: orthogonalityDefect(values, shape),
  };
}

/** Units are the last axis (dense [in, units], conv [kh, kw, cIn, cOut]): are all units' weight vectors equal? */
function unitsIdentical(values: Float32Array, units: number): boolean {
  if (units < 2) return false;
  for (let row = 0; row < values.length; row += units) {
    const first = values[row];
    for (let j = 1; j < units; j++) if (values[row + j] !== first) return false;
  }
  return true;
}

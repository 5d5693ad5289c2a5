/**
 * How far a correct initializer's weights can stray from the reference by chance, per layer, from the layer's
 * number of weights. The grader allows the exercise's scientific tolerance PLUS this sampling noise, so that:
 *   - a correct answer (any seed, or an unseeded RNG) fails the weight checks with probability below
 *     FALSE_FAIL_PROBABILITY over all its layers and checks together (Bonferroni: each of the
 *     layers × CHECKS_PER_LAYER checks gets an equal share, as a two-sided normal tail of z standard deviations);
 *   - a wrong formula is still caught where the layer is large enough to tell: on a 512 × 512 layer the noise of
 *     the std is 0.14 %, so with a 1 % scientific tolerance a std 4 % off is 17 noise standard deviations away.
 *
 * The sample std s of n independent draws with std σ and kurtosis κ = E[(w − μ)⁴]/σ⁴ is close to normal with
 *   sd(s) ≈ σ · √((κ − 1) / (4n))
 * (delta method: Var(s²) ≈ σ⁴(κ − 1)/n and s = √s²). Normal κ = 3 → σ/√(2n); uniform κ = 9/5 → σ·√(1/(5n)).
 * A 64 × 10 uniform layer (n = 640) thus has 1.8 % noise on its std, a 512 × 512 normal one 0.14 %.
 * Pure: no TF.js, no DOM, no Node built-ins.
 */
import type { ResolvedInitializer } from './initializers';
import { tailSampleSize } from './weight-summary';

/** The largest probability that a correct initializer fails the weight checks of an exercise, all layers together. */
export const FALSE_FAIL_PROBABILITY = 1e-4;

/** Statistical checks per layer: the std, the mean and the shape (tails of a normal or the fill of a uniform). */
export const CHECKS_PER_LAYER = 3;

/** Kurtosis of a normal truncated at ±2σ (the Keras / TF.js truncated_normal), E[(w − μ)⁴]/σ⁴ after truncation. */
const TRUNCATED_NORMAL_KURTOSIS = 2.3655367171296495;

/**
 * Fraction of weights beyond 2 std (of the distribution itself): normal 2·(1 − Φ(2)) = 0.0455; a normal truncated
 * at ±2σ and rescaled has std 0.8796σ, so "2 std" is 1.759σ and 0.0346 of it lies beyond; a uniform U(−a, a) has
 * std a/√3, so nothing lies beyond 2 std = 1.155a.
 */
export const TAIL_BEYOND_2_STD = { normal: 0.04550026389635839, truncated_normal: 0.034609298953765175, uniform: 0 } as const;

/** The z whose two-sided standard normal tail P(|Z| > z) is p (0 < p < 1), by bisection on erfc. */
export function twoSidedZ(p: number): number {
  let low = 0, high = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (twoSidedTail(mid) > p) low = mid; else high = mid;
  }
  return (low + high) / 2;
}

/** P(|Z| > z) for a standard normal Z. */
export function twoSidedTail(z: number): number {
  return erfc(z / Math.SQRT2);
}

/**
 * Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere
 * (Press et al., Numerical Recipes, erfcc).
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** sd(s)/σ of the sample std of n draws from the reference distribution (see the comment at the top). */
export function relativeStdNoise(distribution: ResolvedInitializer['distribution'], n: number): number {
  const kurtosis = distribution === 'uniform' ? 9 / 5
    : distribution === 'truncated_normal' ? TRUNCATED_NORMAL_KURTOSIS
      // The normal's, also for orthogonal weights (whose sample std is in fact nearly exact): an upper bound.
      : 3;
  return Math.sqrt((kurtosis - 1) / (4 * n));
}

export interface WeightBounds {
  /** The z every check of this exercise uses (from FALSE_FAIL_PROBABILITY and the number of checks). */
  z: number;
  /** Largest allowed |std / target − 1|: the scientific tolerance + z · sampling noise. */
  stdRelative: number;
  /** Largest allowed |mean|: z · σ/√n for the noise + 0.1 · σ/√fan_in, a mean that adds at most ≈ 1 % to Var(y). */
  mean: number;
  /** Uniform: smallest allowed max|w| / a (all n draws stay below t·a with probability tⁿ). */
  minFill?: number;
  /**
   * Normal-shaped: smallest allowed fraction beyond 2 std; the truncated normal's 0.0346 minus z binomial standard
   * deviations, so a plain or a truncated normal passes and a uniform (0) fails. Undefined when the layer is too
   * small to tell them apart at this z.
   */
  minTail?: number;
}

/** Bounds for one layer of `count` weights (fan-in `fanIn`), in an exercise that checks `layerCount` layers. */
export function weightBounds(
  target: ResolvedInitializer, count: number, fanIn: number, layerCount: number, scientificTolerance: number,
): WeightBounds {
  const perCheck = FALSE_FAIL_PROBABILITY / (Math.max(1, layerCount) * CHECKS_PER_LAYER);
  const z = twoSidedZ(perCheck);
  const bounds: WeightBounds = {
    z,
    stdRelative: scientificTolerance + z * relativeStdNoise(target.distribution, count),
    mean: target.std * (z / Math.sqrt(count) + 0.1 / Math.sqrt(Math.max(1, fanIn))),
  };
  if (target.distribution === 'uniform') {
    bounds.minFill = Math.min(0.97, perCheck ** (1 / count));
  } else if (target.distribution === 'normal' || target.distribution === 'truncated_normal') {
    const p = TAIL_BEYOND_2_STD.truncated_normal;
    const m = tailSampleSize(count);
    const minTail = p - z * Math.sqrt((p * (1 - p)) / m);
    if (minTail > 0) bounds.minTail = minTail;
  }
  return bounds;
}

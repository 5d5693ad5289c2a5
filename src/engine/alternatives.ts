/**
 * Fair grading of valid alternatives: when a learner's weights fail the exercise's weight check but match
 * another initializer the exercise lists as scientifically valid (He uniform where He normal is asked,
 * LeCun × 5/3 where LeCun is asked, …), the verdict names what they are and why the exercise still asks
 * for its own. The reasons are the exercise's (criteria.weights.alternatives in exercise.json); this module
 * only recognizes the weights. Pure: no TF.js, no DOM.
 */
import { resolveInitializer, type InitializerRef } from './initializers';
import type { ForwardStats } from './types';

/** A layer as far as recognizing its weights goes: its shape and the summary of its weights. */
export interface SummarizedLayer {
  shape: readonly number[];
  weights: Pick<ForwardStats, 'weightStd' | 'weightMean' | 'weightMaxAbs' | 'weightTailFraction' | 'weightOrthogonalityDefect'>;
}

export interface Alternative {
  initializer: InitializerRef;
  /** Follows "that is <initializer>, " in the verdict, e.g. "also correct; this exercise asks for … because …". */
  reason: string;
}

/**
 * The first alternative every layer's weights match: std within `tolerance` of its std, mean ≈ 0, and the
 * distribution's shape (a uniform's bound, a normal's tails; orthogonal weights by their orthogonality).
 */
export function recognizeAlternative(alternatives: readonly Alternative[] | undefined, layers: readonly SummarizedLayer[], tolerance: number): Alternative | undefined {
  return alternatives?.find((alternative) => layers.length > 0 && layers.every((layer) => matches(alternative.initializer, layer, tolerance)));
}

function matches(ref: InitializerRef, layer: SummarizedLayer, tolerance: number): boolean {
  const target = resolveInitializer(ref, layer.shape);
  const { weightStd: std, weightMean: mean, weightMaxAbs: maxAbs, weightTailFraction: tail, weightOrthogonalityDefect: defect } = layer.weights;
  // A sample std of N weights is off by ≈ 1/√(2N) relative: on a small layer (64 × 10) 5 of those exceed 5 %.
  const size = layer.shape.reduce((a, b) => a * b, 1);
  const allowed = Math.max(tolerance, 5 / Math.sqrt(2 * size));
  if (!(Math.abs(std / target.std - 1) <= allowed) || Math.abs(mean) > 0.2 * target.std) return false;
  switch (target.distribution) {
    case 'uniform': return maxAbs <= target.high * (1 + 1e-5) && maxAbs >= 0.97 * target.high;
    case 'normal': case 'truncated_normal': return maxAbs >= 2.2 * std && tail >= 0.015 && !(defect <= 1e-3);
    case 'orthogonal': return defect <= 1e-3;
    case 'constant': return false;
  }
}

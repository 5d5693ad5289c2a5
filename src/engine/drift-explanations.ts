/**
 * Sentences that explain a drift the grader found, beyond "layer l is off": the average factor per layer
 * (lesson 1's c^l), and, where an exercise states the variance every layer should have, the std that
 * would give it. Pure: no TF.js, no DOM.
 */
import type { LayerStats } from './types';

/**
 * "Var(y) changed ×1.21 per layer on average from layer 1 to layer 15: each layer scales the signal by
 * c ≈ 1.1, and c^l compounds." Forward: from layer 1 up to `layer`; backward: from the last layer down.
 * Empty when fewer than two layers lie between, or when the average factor is within 1 % of 1 (then the
 * drift sits in a few layers, not in a per-layer factor).
 */
export function perLayerFactorSentence(phase: 'forward' | 'backward', layers: readonly LayerStats[], position: number): string {
  const value = (l: LayerStats | undefined) => (phase === 'forward' ? l?.forward.preVar : l?.backward?.gradPreVar);
  const anchorPosition = phase === 'forward' ? 0 : layers.length - 1;
  const steps = Math.abs(position - anchorPosition);
  const from = value(layers[anchorPosition]);
  const to = value(layers[position]);
  if (steps < 2 || !(from! > 0) || !(to! > 0) || !Number.isFinite(from) || !Number.isFinite(to)) return '';
  const varianceFactor = (to! / from!) ** (1 / steps);
  const c = Math.sqrt(varianceFactor);
  if (Math.abs(c - 1) < 0.01) return '';
  const quantity = phase === 'forward' ? 'Var(y)' : 'Var(∂L/∂y)';
  const what = phase === 'forward' ? 'the signal' : 'the gradient';
  const span = phase === 'forward' ? `from layer 1 to layer ${layers[position].index}` : `from the last layer down to layer ${layers[position].index}`;
  return ` ${quantity} changed ×${round(varianceFactor)} per layer on average ${span}: each layer scales ${what} by c ≈ ${round(c)}, and after l layers by c^l.`;
}

/**
 * Var(y_l) = fan_in · Var(W_l) · E[h_{l−1}²] is proportional to Var(W_l) for the inputs the layer gets, so
 * the std that gives `target` is std · √(target / measured).
 */
export function targetStdSentence(layer: LayerStats, measured: number, target: number): string {
  const std = layer.forward.weightStd;
  if (!(measured > 0) || !Number.isFinite(measured) || !(std > 0)) return '';
  return `For fan_in ${layer.fanIn} your std is ${round(std)}; with the inputs this layer gets, Var(y) = ${round(target)} needs a std of ≈ ${round(std * Math.sqrt(target / measured))}.`;
}

function round(x: number): string {
  return String(Number(x.toPrecision(3)));
}

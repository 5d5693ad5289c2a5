/**
 * Grading: criteria (data, from exercise.json) + a LabResult → a Verdict naming the first layer that fails.
 * Pure: no TF.js, no DOM, no Node built-ins.
 *
 * Checks, in order (the verdict's message is the first failing one):
 *   overflow → symmetry → saturation → dead units → the weights themselves → forward drift → backward drift
 * (a failed weight check also quotes the first drift it causes).
 * Drift is |log10(measured / expected)| per layer. "Expected" is the infinite-width theory for the reference
 * initializer on plain dense nets (theory.ts), otherwise the network's own first layer (forward) or last
 * layer (backward). The band is the exercise's maxLog10Drift, or the finite-width band from theory.ts.
 */
import type { Criteria } from './exercise-schema';
import { resolveInitializer, type InitializerRef } from './initializers';
import { recognizeAlternative } from './alternatives';
import { perLayerFactorSentence, targetStdSentence } from './drift-explanations';
import { finiteWidthBand, logVarianceSpreadPerLayer, meanField } from './theory';
import type { Activation, LabResult, LayerStats, Verdict, VerdictCheck } from './types';
import { recommendedGain } from './variance-scaling';

const ACTIVATION_NAMES: Record<Activation, string> = {
  linear: 'a linear layer', relu: 'ReLU', leaky_relu: 'leaky ReLU', tanh: 'tanh', sigmoid: 'sigmoid',
};

const REFERENCE_NAMES: Partial<Record<InitializerRef['name'], string>> = {
  lecun_normal: 'LeCun normal: √(1/fan_in)', lecun_uniform: 'LeCun uniform: a = √(3/fan_in)',
  he_normal: 'He normal: √(2/fan_in)', he_uniform: 'He uniform: a = √(6/fan_in)',
  glorot_normal: 'Glorot normal: √(2/(fan_in + fan_out))', glorot_uniform: 'Glorot uniform: a = √(6/(fan_in + fan_out))',
  alexnet_normal: 'AlexNet: N(0, 0.01²)', orthogonal: 'orthogonal',
};

/** Criteria as they come out of the schema; defaults filled for callers that build them by hand. */
export type GradingCriteria = Partial<Criteria>;

export function grade(criteria: GradingCriteria, result: LabResult): Verdict {
  const details: VerdictCheck[] = [];
  const layers = result.layers;
  const reference = criteria.reference as InitializerRef | undefined;

  details.push(checkOverflow(result, reference));
  if (criteria.symmetry ?? true) details.push(checkSymmetry(layers));
  if (criteria.maxSaturatedFraction !== undefined) details.push(checkFraction('saturation', layers, criteria.maxSaturatedFraction, reference));
  if (criteria.maxDeadFraction !== undefined) details.push(checkFraction('dead', layers, criteria.maxDeadFraction, reference));
  if (criteria.weights) {
    if (!reference) throw new Error('grading criteria: "weights" checks need a "reference" initializer');
    details.push(checkWeights(layers, reference, criteria.weights.stdTolerance, criteria.weights.distribution ?? true));
  }
  const bands = driftBands(criteria, layers, {
    firstPreVar: layers[0]?.forward.preVar,
    lastGradPreVar: layers[layers.length - 1]?.backward?.gradPreVar,
  });
  if (bands.forward) details.push(checkDrift('forward', layers, bands.forward, bands.anchoredToTheory, reference, criteria.forward?.target));
  if (bands.backward) {
    if (!result.backward) {
      details.push({ check: 'backward', passed: false, message: 'the backward pass did not run (it is needed for this exercise)' });
    } else {
      details.push(checkDrift('backward', layers, bands.backward, bands.anchoredToTheory, reference));
    }
  }

  const failed = details.find((d) => !d.passed);
  if (failed) {
    // A wrong formula is the cause; a drift it produces is the consequence: say both.
    const consequence = failed.check === 'weights' ? details.find((d) => !d.passed && (d.check === 'forward' || d.check === 'backward')) : undefined;
    // Weights that are a listed valid alternative get named, whichever check their difference trips first.
    const alternative = failed.check !== 'overflow' && failed.check !== 'symmetry' && criteria.weights
      ? recognizeAlternative(criteria.weights.alternatives, layers, criteria.weights.stdTolerance) : undefined;
    const message = alternative
      ? `${label(layers[(failed.layer ?? 1) - 1])}: that is ${referenceName(alternative.initializer)}, ${alternative.reason}`
      : consequence ? `${failed.message} As a result, ${consequence.message}` : failed.message;
    return { passed: false, message, firstBadLayer: failed.layer, details };
  }
  const summary = details.filter((d) => d.check === 'forward' || d.check === 'backward').map((d) => d.message);
  const message = summary.length ? `Passed. ${summary.join(' ')}` : `Passed: all ${layers.length} layers are as expected.`;
  return { passed: true, message, details };
}

/** What a layer's expected value and band depend on: its structure, not its measurements. */
export type BandLayer = Pick<LayerStats, 'kind' | 'residual' | 'fanIn' | 'shape' | 'activation' | 'negativeSlope'>;

/** The measured values a self-anchored curve starts from: layer 1's Var(y) and the last layer's Var(∂L/∂y). */
export interface DriftAnchors {
  firstPreVar?: number;
  lastGradPreVar?: number;
}

export interface LayerBand {
  /** The variance the layer should have (NaN where its anchor is not measured). */
  expected: number;
  /** Allowed |log10(measured / expected)|, in decades. */
  band: number;
}

export interface DriftBands {
  /** Compared with the infinite-width theory (plain dense nets with a reference), else with layer 1 / layer L. */
  anchoredToTheory: boolean;
  /** Per layer (0-based position); null when the criteria do not check that phase. */
  forward: LayerBand[] | null;
  backward: LayerBand[] | null;
}

/**
 * The per-layer expected variance and allowed band that the drift checks enforce (and the exercise plot
 * draws). "Expected" is the infinite-width theory for the reference initializer on plain dense nets,
 * otherwise the anchor (layer 1 forward, the last layer backward). The band is maxLog10Drift, or the
 * finite-width band for the κ/n walked from the anchor.
 */
export function driftBands(criteria: GradingCriteria, layers: readonly BandLayer[], anchors: DriftAnchors): DriftBands {
  const reference = criteria.reference as InitializerRef | undefined;
  const allDense = layers.every((l) => l.kind === 'dense');
  const forwardTarget = criteria.forward?.target;
  const anchoredToTheory = ((!!reference && allDense) || forwardTarget !== undefined) && layers.length > 0;
  const theory = anchoredToTheory && reference && allDense
    ? meanField(layers.map((l) => ({
      fanIn: l.fanIn, units: l.shape[1], activation: l.activation, negativeSlope: l.negativeSlope, residual: l.residual,
      weightVariance: resolveInitializer(reference, l.shape).std ** 2,
    })))
    : null;
  // The finite-width walk of log-variance adds κ/n per layer passed, n that layer's width (units/filters).
  const spread = layers.map((l) => logVarianceSpreadPerLayer(l.activation) / l.shape[l.shape.length - 1]);
  const n = layers.length;
  const bandsFor = (phase: 'forward' | 'backward', maxLog10Drift: number | undefined): LayerBand[] =>
    layers.map((_layer, i) => {
      const walked = anchoredToTheory
        ? phase === 'forward' ? sum(spread, 0, i + 1) : sum(spread, i, n)
        : phase === 'forward' ? sum(spread, 1, i + 1) : sum(spread, i, n - 1);
      const expected = phase === 'forward' && forwardTarget !== undefined ? forwardTarget
        : theory ? phase === 'forward' ? theory.preVar[i] : theory.gradPreVar[i]
        : (phase === 'forward' ? anchors.firstPreVar : anchors.lastGradPreVar) ?? NaN;
      return { expected, band: maxLog10Drift ?? finiteWidthBand(walked) };
    });
  return {
    anchoredToTheory,
    forward: criteria.forward ? bandsFor('forward', criteria.forward.maxLog10Drift) : null,
    backward: criteria.backward ? bandsFor('backward', criteria.backward.maxLog10Drift) : null,
  };
}

function checkOverflow(result: LabResult, reference: InitializerRef | undefined): VerdictCheck {
  if (!result.overflowAt) return { check: 'overflow', passed: true, message: 'no overflow' };
  const { index, phase } = result.overflowAt;
  const layer = result.layers[index - 1];
  const what = phase === 'forward' ? 'the pre-activations' : 'the gradients';
  return {
    check: 'overflow', passed: false, layer: index,
    message: `${label(layer)}: ${what} overflow float32 (beyond 3.4e+38), exploding. ${stdAdvice(layer, reference)}`,
  };
}

function checkSymmetry(layers: LayerStats[]): VerdictCheck {
  const layer = layers.find((l) => l.forward.unitsIdentical);
  if (!layer) return { check: 'symmetry', passed: true, message: 'every layer breaks the symmetry between its units' };
  if (layer.residual && layer.activation !== 'relu' && layer.forward.weightStd === 0 && layer.forward.weightMean === 0) {
    // The skip connection carries distinct values to every unit, so a zero branch still gets distinct gradients
    // (unless φ'(0) = 0, as for ReLU, where the branch gets none at all).
    return { check: 'symmetry', passed: false, layer: layer.index, message: `${label(layer)}: this branch is all zeros, so the block starts as the identity, as in Fixup and SkipInit: a valid start, but this exercise asks for small random branches.` };
  }
  const units = layer.shape[layer.shape.length - 1];
  const value = layer.forward.weightStd === 0 ? ` (every weight = ${fmt(layer.forward.weightMean)})` : '';
  return {
    check: 'symmetry', passed: false, layer: layer.index,
    message: `${label(layer)}: all ${units} units got identical weights${value}, so they compute the same value and get the same gradient; training can never tell them apart, however good the variance looks. Draw the weights at random to break the symmetry.`,
  };
}

function checkDrift(
  phase: 'forward' | 'backward', layers: LayerStats[], bands: LayerBand[], anchoredToTheory: boolean,
  reference: InitializerRef | undefined, target?: number,
): VerdictCheck {
  const quantity = phase === 'forward' ? 'Var(y)' : 'Var(∂L/∂y)';
  let worst = 0;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const measured = phase === 'forward' ? layer.forward.preVar : layer.backward?.gradPreVar;
    if (measured === undefined) continue;
    const { expected, band } = bands[i];
    const drift = measured > 0 ? Math.log10(measured / expected) : -Infinity;
    if (!(Math.abs(drift) <= band)) {
      const direction = drift > 0 ? 'exploding' : 'vanishing';
      const expectation = anchoredToTheory
        ? `expected ≈ ${fmt(expected)} (within ×${fmt(10 ** band)})`
        : `${drift > 0 ? '×' + fmt(10 ** drift) : '÷' + fmt(10 ** -drift)} its value at ${phase === 'forward' ? 'layer 1' : 'the last layer'} (${fmt(expected)}), more than the ×${fmt(10 ** band)} allowed`;
      return {
        check: phase, passed: false, layer: layer.index,
        message: `${label(layer)}: ${quantity} = ${fmt(measured)}, ${direction}: ${expectation}. ${target !== undefined ? targetStdSentence(layer, measured, target) : stdAdvice(layer, reference)}${perLayerFactorSentence(phase, layers, i)}`,
      };
    }
    worst = Math.max(worst, Math.abs(drift));
  }
  const against = anchoredToTheory ? 'the theory' : phase === 'forward' ? 'layer 1' : 'the last layer';
  return {
    check: phase, passed: true,
    message: `${phase === 'forward' ? 'Forward' : 'Backward'} ${quantity} stays within ×${fmt(10 ** worst)} of ${against} across all ${layers.length} layers.`,
  };
}

function checkFraction(kind: 'saturation' | 'dead', layers: LayerStats[], max: number, reference: InitializerRef | undefined): VerdictCheck {
  for (const layer of layers) {
    const fraction = kind === 'saturation' ? layer.forward.saturatedFraction : layer.activation === 'relu' ? layer.forward.zeroFraction : 0;
    if (fraction > max) {
      const what = kind === 'saturation'
        ? `${pct(fraction)} of the ${ACTIVATION_NAMES[layer.activation]} units are saturated (|a| beyond 0.97 of the range), where the gradient all but vanishes`
        : `${pct(fraction)} of the ReLU outputs are zero (dead for this batch)`;
      return { check: kind, passed: false, layer: layer.index, message: `${label(layer)}: ${what}; at most ${pct(max)} is fine. ${stdAdvice(layer, reference)}` };
    }
  }
  return { check: kind, passed: true, message: kind === 'saturation' ? 'no layer saturates' : 'no layer is dead' };
}

function checkWeights(layers: LayerStats[], reference: InitializerRef, tolerance: number, checkDistribution: boolean): VerdictCheck {
  for (const layer of layers) {
    const target = resolveInitializer(reference, layer.shape);
    const { weightStd: std, weightMean: mean, weightMaxAbs: maxAbs, weightTailFraction: tail } = layer.forward;
    const formula = referenceName(reference);
    const fans = `fan_in ${layer.fanIn}, fan_out ${layer.fanOut}`;
    const relative = std / target.std - 1;
    if (!(Math.abs(relative) <= tolerance)) {
      return {
        check: 'weights', passed: false, layer: layer.index,
        message: `${label(layer)}: your weights' std is ${fmt(std)}, ${pct(Math.abs(relative))} ${relative < 0 ? 'below' : 'above'} the target ${fmt(target.std)} (${formula}, with ${fans}).`,
      };
    }
    if (Math.abs(mean) > 0.2 * target.std) {
      return { check: 'weights', passed: false, layer: layer.index, message: `${label(layer)}: your weights' mean is ${fmt(mean)}; it should be 0.` };
    }
    if (!checkDistribution) continue;
    if (target.distribution === 'uniform') {
      const limit = target.high;
      if (maxAbs > limit * (1 + 1e-5)) {
        return {
          check: 'weights', passed: false, layer: layer.index,
          message: `${label(layer)}: a weight reaches |w| = ${fmt(maxAbs)}, beyond the limit a = ${fmt(limit)} (${formula}, with ${fans}); draw from U(−a, a).`,
        };
      }
      if (maxAbs < limit * 0.97) {
        return {
          check: 'weights', passed: false, layer: layer.index,
          message: `${label(layer)}: your largest |w| is ${fmt(maxAbs)}, well inside the limit a = ${fmt(limit)} (${formula}, with ${fans}); a uniform U(−a, a) fills the whole range.`,
        };
      }
    } else if (target.distribution === 'orthogonal') {
      const defect = layer.forward.weightOrthogonalityDefect;
      if (defect > 1e-3) {
        return {
          check: 'weights', passed: false, layer: layer.index,
          message: `${label(layer)}: your weights are not orthogonal: a random vector's length changes by ${pct(defect)} through them, where an orthogonal matrix × gain keeps it exactly (×${fmt(target.gain)}). Use random.orthogonal(layer.shape, gain).`,
        };
      }
    } else if (target.distribution === 'normal' || target.distribution === 'truncated_normal') {
      // A normal (plain or truncated at 2σ and rescaled) reaches beyond 2.2 std; a uniform stops at √3 ≈ 1.73 std.
      if (maxAbs < 2.2 * std || tail < 0.015) {
        return {
          check: 'weights', passed: false, layer: layer.index,
          message: `${label(layer)}: your weights do not look normal (largest |w| is ${fmt(maxAbs / std)} std, ${pct(tail)} beyond 2 std; a normal has ≈ 4.6 %). Draw them from a normal distribution (${formula}).`,
        };
      }
    }
  }
  return { check: 'weights', passed: true, message: `every layer's weights match ${referenceName(reference)}` };
}

/** "He normal: √(2/fan_in)", with the gain when there is one: "LeCun normal: √(1/fan_in) × gain 1.67". */
function referenceName(reference: InitializerRef): string {
  const name = REFERENCE_NAMES[reference.name] ?? reference.name;
  return reference.gain !== undefined && reference.gain !== 1 ? `${name} × gain ${fmt(reference.gain)}` : name;
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i];
  return total;
}

/** "For fan_in 512 your std is 0.1, ReLU needs ≈ 0.0625." */
function stdAdvice(layer: LayerStats, reference: InitializerRef | undefined): string {
  const needed = reference
    ? resolveInitializer(reference, layer.shape).std
    : recommendedGain(layer.activation, layer.negativeSlope) / Math.sqrt(layer.fanIn);
  const yours = layer.forward.weightStd;
  const ratio = yours / needed;
  const verdict = ratio > 0.9 && ratio < 1.1 ? ' (close: look at the other layers and at the fans you use)' : '';
  return `For fan_in ${layer.fanIn} your std is ${fmt(yours)}, ${ACTIVATION_NAMES[layer.activation]} needs ≈ ${fmt(needed)}${verdict}.`;
}

function label(layer: LayerStats): string {
  return `layer ${layer.index} (${layer.name})`;
}

/** 3 significant digits; exponent form outside [1e-3, 1e4). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(1).replace('e+', 'e+').replace('.0e', 'e');
  return String(Number(x.toPrecision(3)));
}

function pct(x: number): string {
  return `${Number((100 * x).toPrecision(2))} %`;
}

/**
 * Grading: criteria (data, from exercise.json) + a LabResult → a Verdict naming the first layer that fails.
 * Pure: no TF.js, no DOM, no Node built-ins.
 *
 * Checks, in order, by their `check` name (the verdict's message is the first failing one):
 *   weight-only checks, which need no forward pass (checkWeightsOnly): 'shape' (count of weights, checkWeightsOnly
 *   only) → 'finite' → 'symmetry' → 'weights' (std, mean, distribution against the reference);
 *   then 'overflow' → 'saturation' → 'dead' → 'forward' (drift) → 'backward' (drift).
 * The weights come first because they are the cause: constant weights of the right magnitude are reported as
 * identical units, not as the overflow they lead to. A failed weight check also quotes the first overflow or drift
 * it causes (or the saturation or dead units). The weight tolerances come from each layer's number of weights
 * (weight-tolerance.ts).
 * Drift is |log10(measured / expected)| per layer. "Expected" is the infinite-width theory for the reference
 * initializer on plain dense nets (theory.ts), otherwise the network's own first layer (forward) or last
 * layer (backward). The band is the exercise's maxLog10Drift, or the finite-width band from theory.ts.
 */
import type { Criteria } from './exercise-schema';
import { formatNumber as fmt, formatPercent as pct } from './format';
import { ACTIVATION_LABELS } from './activations';
import { initializerLabel, resolveInitializer, type InitializerRef } from './initializers';
import { recognizeAlternative } from './alternatives';
import { perLayerFactorSentence, targetStdSentence } from './drift-explanations';
import { finiteWidthBand, logVarianceSpreadPerLayer, meanField } from './theory';
import type { Activation, LabResult, LayerInfo, LayerStats, Verdict, VerdictCheck } from './types';
import { recommendedGain } from './variance-scaling';
import { summarizeWeights, type WeightSummary } from './weight-summary';
import { weightBounds } from './weight-tolerance';

/** Criteria as they come out of the schema; defaults filled for callers that build them by hand. */
export type GradingCriteria = Partial<Criteria>;

/** A weight layer as the weight-only checks see it: its structure and the summary of its weights. */
export interface WeighedLayer extends Pick<LayerInfo, 'index' | 'name' | 'shape' | 'fanIn' | 'fanOut' | 'activation' | 'residual'> {
  weights: WeightSummary;
}

/**
 * The checks that need only the weights, before any forward pass: the count of weights per layer, finite values,
 * symmetry breaking and (with criteria.weights) the std, mean and distribution against the reference. The arrays are
 * checked again here whatever produced them: each must be a Float32Array of this realm (postMessage delivers one;
 * an array made in another realm, a vm context for instance, fails the 'shape' check) with prod(shape) values.
 */
export function checkWeightsOnly(criteria: GradingCriteria, layers: readonly LayerInfo[], weights: readonly Float32Array[]): VerdictCheck[] {
  const counts = checkCounts(layers, weights);
  if (!counts.passed) return [counts];
  return [counts, ...weightChecks(criteria, layers.map((layer, i) => ({ ...layer, weights: summarizeWeights(weights[i], layer.shape) })))];
}

/** Grades a lab run: the weight-only checks on the weights it used, then the checks on its forward and backward pass. */
export function grade(criteria: GradingCriteria, result: LabResult): Verdict {
  const layers = result.layers;
  const reference = criteria.reference as InitializerRef | undefined;
  const weighed = layers.map((layer) => ({ ...layer, weights: layer.forward }));
  const details: VerdictCheck[] = weightChecks(criteria, weighed);
  details.push(checkOverflow(result, reference));
  if (criteria.maxSaturatedFraction !== undefined) details.push(checkFraction('saturation', layers, criteria.maxSaturatedFraction, reference));
  if (criteria.maxDeadFraction !== undefined) details.push(checkFraction('dead', layers, criteria.maxDeadFraction, reference));
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
  return nameAlternative(verdictOf(details, layers.length), criteria, weighed);
}

/**
 * Weights that are a valid alternative the exercise lists (criteria.weights.alternatives) are named, with the
 * exercise's reason, whichever check their difference trips first (not an overflow or broken symmetry).
 */
function nameAlternative(verdict: Verdict, criteria: GradingCriteria, layers: readonly WeighedLayer[]): Verdict {
  const failed = verdict.details.find((d) => !d.passed);
  if (verdict.passed || !failed || !criteria.weights || failed.check === 'overflow' || failed.check === 'symmetry' || failed.check === 'finite') return verdict;
  const alternative = recognizeAlternative(criteria.weights.alternatives, layers, criteria.weights.stdTolerance);
  if (!alternative) return verdict;
  const layer = layers.find((l) => l.index === failed.layer) ?? layers[0];
  return { ...verdict, message: `${label(layer)}: that is ${initializerLabel(alternative.initializer, fmt)}, ${alternative.reason}` };
}

/** The checks that measure what the weights do, as opposed to what they are. */
const CONSEQUENCES = new Set(['overflow', 'saturation', 'dead', 'forward', 'backward']);

/** The verdict of a list of checks: the first failure (with the overflow or drift a wrong weight causes), or a pass. */
export function verdictOf(details: VerdictCheck[], layerCount: number): Verdict {
  const failed = details.find((d) => !d.passed);
  if (failed) {
    // A wrong formula is the cause; an overflow or a drift it produces is the consequence: say both.
    const consequence = failed.check === 'weights'
      ? details.find((d) => !d.passed && CONSEQUENCES.has(d.check))
      : undefined;
    const message = consequence ? `${failed.message} As a result, ${consequence.message}` : failed.message;
    return { passed: false, message, firstBadLayer: failed.layer, details };
  }
  const summary = details.filter((d) => d.check === 'forward' || d.check === 'backward').map((d) => d.message);
  const message = summary.length ? `Passed. ${summary.join(' ')}` : `Passed: all ${layerCount} layers are as expected.`;
  return { passed: true, message, details };
}

function weightChecks(criteria: GradingCriteria, layers: readonly WeighedLayer[]): VerdictCheck[] {
  const reference = criteria.reference as InitializerRef | undefined;
  const details = [checkFinite(layers)];
  if (criteria.symmetry ?? true) details.push(checkSymmetry(layers));
  if (criteria.weights) {
    if (!reference) throw new Error('grading criteria: "weights" checks need a "reference" initializer');
    details.push(checkWeights(layers, reference, criteria.weights.stdTolerance, criteria.weights.distribution ?? true));
  }
  return details;
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

function checkCounts(layers: readonly LayerInfo[], weights: readonly Float32Array[]): VerdictCheck {
  if (weights.length !== layers.length) {
    return { check: 'shape', passed: false, message: `got weights for ${weights.length} layers; the network has ${layers.length} weight layers` };
  }
  for (let i = 0; i < layers.length; i++) {
    const needed = layers[i].shape.reduce((a, b) => a * b, 1);
    if (!(weights[i] instanceof Float32Array) || weights[i].length !== needed) {
      const got = weights[i] instanceof Float32Array ? `${weights[i].length} weights` : 'no Float32Array';
      return { check: 'shape', passed: false, layer: layers[i].index, message: `${label(layers[i])}: got ${got}; its shape [${layers[i].shape.join(', ')}] needs ${needed}` };
    }
  }
  return { check: 'shape', passed: true, message: 'every layer has the right number of weights' };
}

function checkFinite(layers: readonly WeighedLayer[]): VerdictCheck {
  const layer = layers.find((l) => !Number.isFinite(l.weights.weightMean) || !Number.isFinite(l.weights.weightStd));
  if (!layer) return { check: 'finite', passed: true, message: 'every weight is a finite number' };
  return {
    check: 'finite', passed: false, layer: layer.index,
    message: `${label(layer)}: the weights contain NaN or ±Infinity (or values so large that their square overflows); every weight must be a finite number.`,
  };
}

function checkSymmetry(layers: readonly WeighedLayer[]): VerdictCheck {
  const layer = layers.find((l) => l.weights.unitsIdentical);
  if (!layer) return { check: 'symmetry', passed: true, message: 'every layer breaks the symmetry between its units' };
  if (layer.residual && layer.activation !== 'relu' && layer.weights.weightStd === 0 && layer.weights.weightMean === 0) {
    // The skip connection carries distinct values to every unit, so a zero branch still gets distinct gradients
    // (unless φ'(0) = 0, as for ReLU, where the branch gets none at all).
    return { check: 'symmetry', passed: false, layer: layer.index, message: `${label(layer)}: this branch is all zeros, so the block starts as the identity, as in Fixup and SkipInit: a valid start, but this exercise asks for small random branches.` };
  }
  const units = layer.shape[layer.shape.length - 1];
  const value = layer.weights.weightStd === 0 ? ` (every weight = ${fmt(layer.weights.weightMean)})` : '';
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
      // tanh and sigmoid outputs are bounded, so their Var(y) cannot explode: too large weights settle at a
      // larger fixed point (He on tanh: Var(y) → 0.618), which is above the expected curve, not exploding.
      const direction = drift < 0 ? 'vanishing'
        : phase === 'forward' && (layer.activation === 'tanh' || layer.activation === 'sigmoid') ? 'too large' : 'exploding';
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
        ? `${pct(fraction)} of the ${activationName(layer.activation)} units are saturated (|a| beyond 0.97 of the range), where the gradient all but vanishes`
        : `${pct(fraction)} of the ReLU outputs are zero (dead for this batch)`;
      return { check: kind, passed: false, layer: layer.index, message: `${label(layer)}: ${what}; at most ${pct(max)} is fine. ${stdAdvice(layer, reference)}` };
    }
  }
  return { check: kind, passed: true, message: kind === 'saturation' ? 'no layer saturates' : 'no layer is dead' };
}

function checkWeights(layers: readonly WeighedLayer[], reference: InitializerRef, tolerance: number, checkDistribution: boolean): VerdictCheck {
  for (const layer of layers) {
    const target = resolveInitializer(reference, layer.shape);
    const count = layer.shape.reduce((a, b) => a * b, 1);
    const bounds = weightBounds(target, count, layer.fanIn, layers.length, tolerance);
    const { weightStd: std, weightMean: mean, weightMaxAbs: maxAbs, weightTailFraction: tail } = layer.weights;
    const formula = initializerLabel(reference, fmt);
    const fans = `fan_in ${layer.fanIn}, fan_out ${layer.fanOut}`;
    const fail = (message: string): VerdictCheck => ({ check: 'weights', passed: false, layer: layer.index, message: `${label(layer)}: ${message}` });
    const relative = target.std === 0 ? (std === 0 ? 0 : Infinity) : std / target.std - 1;
    if (!(Math.abs(relative) <= bounds.stdRelative)) {
      const off = relative >= 1 ? `${fmt(relative + 1)} times` : `${pct(Math.abs(relative))} ${relative < 0 ? 'below' : 'above'}`;
      // A near miss says how close a correct draw of this many weights comes, so it does not read as bad luck.
      const noise = Math.abs(relative) < 3 * bounds.stdRelative ? `; a correct draw of ${count} weights is within ${pct(bounds.stdRelative)} of it` : '';
      return fail(`your weights' std is ${fmt(std)}, ${off} the target ${fmt(target.std)} (${formula}, with ${fans})${noise}.`);
    }
    if (Math.abs(mean) > bounds.mean) {
      return fail(`your weights' mean is ${fmt(mean)}; it should be 0 (a correct draw of ${count} weights has |mean| below ${fmt(bounds.mean)}).`);
    }
    if (!checkDistribution) continue;
    if (target.distribution === 'uniform') {
      const limit = target.high;
      if (maxAbs > limit * (1 + 1e-5)) {
        return fail(`a weight reaches |w| = ${fmt(maxAbs)}, beyond the limit a = ${fmt(limit)} (${formula}, with ${fans}); draw from U(−a, a).`);
      }
      if (bounds.minFill !== undefined && maxAbs < limit * bounds.minFill) {
        return fail(`your largest |w| is ${fmt(maxAbs)}, well inside the limit a = ${fmt(limit)} (${formula}, with ${fans}); a uniform U(−a, a) fills the whole range.`);
      }
    } else if (target.distribution === 'orthogonal') {
      const defect = layer.weights.weightOrthogonalityDefect;
      if (defect > 1e-3) {
        return fail(`your weights are not orthogonal: a random vector's length changes by ${pct(defect)} through them, where an orthogonal matrix × gain keeps it exactly (×${fmt(target.gain)}). Use random.orthogonal(layer.shape, gain).`);
      }
    } else if (bounds.minTail !== undefined && tail < bounds.minTail) {
      return fail(`your weights do not look normal (${pct(tail)} of them lie beyond 2 std, where a normal has 4.6 % and a normal truncated at 2σ 3.5 %; your largest |w| is ${fmt(maxAbs / std)} std). Draw them from a normal distribution (${formula}).`);
    }
  }
  return { check: 'weights', passed: true, message: `every layer's weights match ${initializerLabel(reference, fmt)}` };
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i];
  return total;
}

/**
 * "For fan_in 512 your std is 0.1, ReLU needs ≈ 0.0625." Weights with a sizeable mean are told that the mean is the
 * problem (constant weights have std 0 but are not small).
 */
function stdAdvice(layer: LayerStats, reference: InitializerRef | undefined): string {
  const needed = reference
    ? resolveInitializer(reference, layer.shape).std
    : recommendedGain(layer.activation, layer.negativeSlope) / Math.sqrt(layer.fanIn);
  const { weightStd: std, weightMean: mean } = layer.forward;
  const name = activationName(layer.activation);
  if (Math.abs(mean) > 0.1 * std) {
    return `For fan_in ${layer.fanIn} your weights have mean ${fmt(mean)} and std ${fmt(std)}; ${name} needs mean 0 and std ≈ ${fmt(needed)}.`;
  }
  const ratio = std / needed;
  const close = ratio > 0.9 && ratio < 1.1 ? ' (close: look at the other layers and at the fans you use)' : '';
  return `For fan_in ${layer.fanIn} your std is ${fmt(std)}, ${name} needs ≈ ${fmt(needed)}${close}.`;
}

/** "ReLU needs ≈ 0.0625", "a linear layer needs ≈ 0.0442". */
function activationName(activation: Activation): string {
  return activation === 'linear' ? 'a linear layer' : ACTIVATION_LABELS[activation];
}

function label(layer: Pick<LayerInfo, 'index' | 'name'>): string {
  return `layer ${layer.index} (${layer.name})`;
}

/**
 * The engine's shared vocabulary. Pure types: no TF.js, no DOM, no Node built-ins.
 * Everything that crosses a room boundary (engine ↔ runner ↔ ui, engine ↔ CLI) is one of these
 * and is plain, structured-cloneable data.
 */
import type { Activation } from './exercise-schema';

/** An activation's name, inferred from the exercise schema's zod enum (the list is in activations.ts). */
export type { Activation };
export type WeightLayerKind = 'dense' | 'conv2d';

export type LayerSpec =
  | {
      kind: 'dense';
      units: number;
      activation: Activation;
      /** leaky_relu only: the slope a for negative inputs, φ(y) = a·y for y < 0. Default 0.01 (PyTorch's). */
      negativeSlope?: number;
      bias?: boolean;
      residual?: boolean;
      name?: string;
    }
  | {
      kind: 'conv2d';
      filters: number;
      kernel: number;
      stride?: number;
      /** 'valid' (no padding), 'same' (output = ceil(input / stride)) or a symmetric zero padding in pixels. */
      padding?: 'same' | 'valid' | number;
      activation: Activation;
      /** leaky_relu only: the slope a for negative inputs. Default 0.01. */
      negativeSlope?: number;
      bias?: boolean;
      name?: string;
    }
  | { kind: 'maxpool'; size: number; stride: number; name?: string }
  | { kind: 'flatten'; name?: string };

/** A network is data: an input shape per example (without batch) and a list of layers. */
export interface NetworkSpec {
  name: string;
  input: number[];
  /** Mean and std of the inputs x ~ N(inputMean, inputStd²) the lab pushes through. Default 0 and 1. */
  inputMean?: number;
  inputStd?: number;
  layers: LayerSpec[];
}

/**
 * What a learner's initializer receives for each weight layer.
 * index is 1-based over weight layers only (dense and conv2d), so "layer 37" means the 37th weight layer.
 */
export interface LayerInfo {
  index: number;
  name: string;
  kind: WeightLayerKind;
  /** Weight shape as TF.js stores it: dense [fanIn, units]; conv2d [kh, kw, cIn, cOut]. */
  shape: number[];
  fanIn: number;
  fanOut: number;
  activation: Activation;
  /** leaky_relu layers only: the slope a for negative inputs (φ(y) = a·y for y < 0); absent for other activations. */
  negativeSlope?: number;
  /** Total number of weight layers in the network. */
  depth: number;
  /** Shape of one example entering this layer (no batch axis): dense [n]; conv2d [h, w, c]. */
  inputShape: number[];
  /** Shape of one example leaving this layer, before any following pooling: dense [units]; conv2d [h, w, filters]. */
  outputShape: number[];
  /** Whether the layer adds a bias (initialized to zero by the engine; the learner initializes weights only). */
  bias: boolean;
  /** Residual connection: output = input + activation(pre-activation). Dense layers with equal in/out width only. */
  residual: boolean;
}

/** Histogram of a layer's pre-activations over [min, max] in equal bins. */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** Forward statistics of one weight layer, measured on the batch pushed through the network. */
export interface ForwardStats {
  /** Mean and variance of the pre-activations y_l = h_{l-1}·W_l (+ b). */
  preMean: number;
  preVar: number;
  /** Second moment E[a_l²] of the activations a_l = φ(y_l) (what the next layer's variance is built from). */
  actSecondMoment: number;
  /** Fraction of activations exactly zero (dead ReLU units for this batch). */
  zeroFraction: number;
  /** Fraction of saturated activations: |tanh| > 0.97, sigmoid < 0.03 or > 0.97; 0 for other activations. */
  saturatedFraction: number;
  histogram: Histogram;
  /** Statistics of the weights the initializer returned. */
  weightMean: number;
  weightStd: number;
  weightMaxAbs: number;
  /** Fraction of weights farther than 2 std from their mean (normal 0.0455, normal truncated at ±2σ 0.0346, uniform 0). */
  weightTailFraction: number;
  /** True when every unit (last axis of the weight shape) got identical weights: symmetry is never broken. */
  unitsIdentical: boolean;
  /** |‖W·v‖ / (gain·‖v‖) − 1| for random probes v (see orthogonality.ts): ≈ 0 for orthogonal weights; NaN when not measured. */
  weightOrthogonalityDefect: number;
  /** True when y_l or a_l holds ±Inf/NaN (float32 overflow): the statistics above are then Infinity. */
  overflow: boolean;
}

/** Backward statistics of one weight layer, for the loss L = Σ h_L ⊙ R with a fixed random R ~ N(0, 1). */
export interface BackwardStats {
  /** Variance (mean square) of ∂L/∂y_l over batch and units. */
  gradPreVar: number;
  /** Variance of the entries of ∂L/∂W_l. */
  weightGradVar: number;
  /** How many output columns (units / filters) ∂L/∂W_l was measured on; all of them unless it was estimated on a subset. */
  weightGradColumns: number;
  overflow: boolean;
}

export interface LayerStats {
  index: number;
  name: string;
  kind: WeightLayerKind;
  activation: Activation;
  /** leaky_relu layers only: the slope for negative inputs. */
  negativeSlope?: number;
  fanIn: number;
  fanOut: number;
  shape: number[];
  residual: boolean;
  forward: ForwardStats;
  backward?: BackwardStats;
}

/** What `runLab` resolves to: plain data, crosses postMessage unchanged. */
export interface LabResult {
  network: string;
  backend: string;
  seed: number;
  batch: number;
  layers: LayerStats[];
  /** Index of the first layer whose forward (or backward) values overflowed float32, if any. */
  overflowAt?: { index: number; phase: 'forward' | 'backward' };
  /** Whether the backward pass was run. */
  backward: boolean;
  timings: { initMs: number; forwardMs: number; backwardMs: number };
}

export interface Verdict {
  passed: boolean;
  /** One specific sentence (or two) for the learner: which layer, what value, what was expected, why. */
  message: string;
  firstBadLayer?: number;
  /** Every check that ran, in order. */
  details: VerdictCheck[];
}

export interface VerdictCheck {
  check: string;
  passed: boolean;
  message: string;
  layer?: number;
}

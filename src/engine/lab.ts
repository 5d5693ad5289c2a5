/**
 * The lab: build → initialize → forward → backward → statistics, one weight layer at a time.
 *
 * Forward, per layer l:   y_l = h_{l-1} W_l        a_l = φ(y_l)        h_l = a_l  (or h_{l-1} + a_l if residual)
 * Loss:                   L = Σ h_L ⊙ R,  R ~ N(0, 1) fixed, so ∂L/∂h_L = R
 * Backward, per layer l:  ∂L/∂y_l = ∂L/∂h_l ⊙ φ'(y_l)
 *                         ∂L/∂W_l = h_{l-1}ᵀ ∂L/∂y_l
 *                         ∂L/∂h_{l-1} = ∂L/∂y_l W_lᵀ  (+ ∂L/∂h_l if residual)
 * Dense layers are differentiated by hand with these matMuls (cheaper than tf.grad, and it reads like the
 * derivation); conv layers use conv2dTranspose and convFilterGradient, max-pooling the backend's MaxPoolGrad.
 * Biases are zero at initialization, so adding them is skipped (it changes nothing).
 *
 * Uses TF.js on whatever backend the caller has set (browser worker or Node). No DOM, no Node built-ins.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createLayerInputs } from './layer-inputs';
import { callInitializer, learnerRandom, type LearnerInitializer } from './learner-api';
import { sampleInitializer, type InitializerRef } from './initializers';
import { LEAKY_RELU_SLOPE, weightLayers } from './networks';
import { createRandom, type Random } from './random';
import type { Activation, BackwardStats, ForwardStats, LabResult, LayerInfo, LayerStats, NetworkSpec } from './types';
import { summarizeWeights, type WeightSummary } from './weight-summary';

export { summarizeWeights, type WeightSummary };

export interface RunLabOptions {
  network: NetworkSpec;
  /** The learner's function or a reference initializer; ignored when `weights` is given. */
  initializer?: LearnerInitializer | InitializerRef;
  /**
   * Weights drawn beforehand: one Float32Array per weight layer (see `initializeWeights`), or tensors already
   * on the backend (see `prepareWeights`; runLab does not dispose those).
   */
  weights?: Float32Array[] | PreparedWeights;
  /** Examples in the batch pushed through the network (x ~ N(0, 1)). Default 64. */
  batch?: number;
  /** Seeds the weights' sampler, the input batch and the loss projection. Default 1. */
  seed?: number;
  /** Run the backward pass too. Default false. */
  backward?: boolean;
  /**
   * ∂L/∂W of a dense layer is measured on this many randomly chosen output columns (units) when the layer
   * has more. The mean square over a uniformly random subset of columns is an unbiased estimate of the mean
   * square over all of them, and with fanIn × 64 entries its relative error is a few percent — far below
   * the decades the grading bands are about — while costing 1/8 of the full matMul on a 512-wide layer.
   * Default 64; Infinity measures every column.
   */
  weightGradColumns?: number;
  histogramBins?: number;
  /** Called with each layer's statistics as soon as they are ready: forward first, then backward (last layer first). */
  onLayer?: (stats: LayerStats, phase: 'forward' | 'backward') => void;
  /** Called just before the initializer is asked for a layer (lets a runner name the layer on a timeout). */
  onInitLayer?: (layer: LayerInfo) => void;
}

/** Saturation threshold for tanh and sigmoid outputs, as in the lessons: |tanh| > 0.97, sigmoid < 0.03 or > 0.97. */
export const SATURATION_LEVEL = 0.97;
const TANH_SATURATED_INPUT = Math.atanh(SATURATION_LEVEL);
const SIGMOID_SATURATED_INPUT = Math.log(SATURATION_LEVEL / (1 - SATURATION_LEVEL));

/** Random streams derived from one seed, so weights, data and loss are reproducible and independent. */
export function labRandomStreams(seed: number): { weights: Random; data: Random; loss: Random; columns: Random } {
  const root = createRandom(seed);
  return { weights: root.fork(), data: root.fork(), loss: root.fork(), columns: root.fork() };
}

/** Draws all weights of a network (what `runLab` does layer by layer when not given `weights`). */
export function initializeWeights(network: NetworkSpec, initializer: LearnerInitializer | InitializerRef, seed = 1): Float32Array[] {
  const layers = weightLayers(network);
  const draw = weightSource(initializer, labRandomStreams(seed).weights, network, seed);
  return layers.map((layer) => draw(layer));
}

function weightSource(
  initializer: LearnerInitializer | InitializerRef, random: Random, network: NetworkSpec, seed: number,
): (layer: LayerInfo) => Float32Array {
  if (typeof initializer === 'function') {
    const sampler = learnerRandom(random);
    const inputs = createLayerInputs({ seed, inputMean: network.inputMean, inputStd: network.inputStd });
    return (layer) => {
      const weights = callInitializer(initializer, layer, Object.freeze({ tf, random: sampler, layerInputs: inputs.tool(layer) }));
      inputs.record(layer, weights);
      return weights;
    };
  }
  return (layer) => sampleInitializer(initializer, layer.shape, random);
}

/** Weights uploaded once and reused over several runs (e.g. the same AlexNet on different batches). */
export interface PreparedWeights {
  readonly network: string;
  readonly tensors: tf.Tensor[];
  readonly summaries: WeightSummary[];
  dispose(): void;
}

/** Draws (or takes) every layer's weights, uploads them as tensors and summarizes them. Call dispose() when done. */
export function prepareWeights(network: NetworkSpec, source: LearnerInitializer | InitializerRef | Float32Array[], seed = 1): PreparedWeights {
  const layers = weightLayers(network);
  const values = Array.isArray(source) ? source : initializeWeights(network, source, seed);
  if (values.length !== layers.length) throw new Error(`prepareWeights: got ${values.length} weight arrays for ${layers.length} weight layers`);
  const tensors = layers.map((layer, i) => tf.tensor(values[i], layer.shape));
  const summaries = layers.map((layer, i) => summarizeWeights(values[i], layer.shape));
  return { network: network.name, tensors, summaries, dispose: () => tensors.forEach((t) => t.dispose()) };
}

function isPrepared(weights: RunLabOptions['weights']): weights is PreparedWeights {
  return weights !== undefined && !Array.isArray(weights);
}

type TapeEntry =
  /**
   * transposed: false — input h [batch, fanIn], activationOut [batch, units], backWeights Wᵀ [units, fanIn];
   * transposed: true — input hᵀ [fanIn, batch], activationOut aᵀ [units, batch], backWeights W [fanIn, units].
   */
  | { kind: 'dense'; info: LayerInfo; input: tf.Tensor2D; backWeights: tf.Tensor2D; activationOut: tf.Tensor2D; transposed: boolean }
  | { kind: 'transpose' }
  | { kind: 'conv2d'; info: LayerInfo; input: tf.Tensor4D; weights: tf.Tensor4D; activationOut: tf.Tensor4D; stride: number; pad: 'same' | 'valid' | number }
  | { kind: 'maxpool'; input: tf.Tensor4D; size: number; stride: number }
  | { kind: 'flatten'; inputShape: number[] };

export async function runLab(options: RunLabOptions): Promise<LabResult> {
  const { network, onLayer, onInitLayer } = options;
  const batch = options.batch ?? 64;
  const seed = options.seed ?? 1;
  const wantBackward = options.backward ?? false;
  const bins = options.histogramBins ?? 40;
  const streams = labRandomStreams(seed);
  const infos = weightLayers(network);
  if (!options.weights && !options.initializer) throw new Error('runLab: give an initializer or weights');
  const given = options.weights;
  const givenCount = given ? (isPrepared(given) ? given.tensors.length : given.length) : infos.length;
  if (givenCount !== infos.length) throw new Error(`runLab: got ${givenCount} weight arrays for ${infos.length} weight layers`);
  const draw = given && !isPrepared(given) ? (layer: LayerInfo) => given[layer.index - 1] : weightSource(options.initializer!, streams.weights, network, seed);

  const result: LabResult = {
    network: network.name, backend: tf.getBackend(), seed, batch, layers: [], backward: false,
    timings: { initMs: 0, forwardMs: 0, backwardMs: 0 },
  };
  const tape: TapeEntry[] = [];
  const owned = new Set<tf.Tensor>(); // every tensor the tape holds, disposed once at the end
  const keep = <T extends tf.Tensor>(t: T): T => (owned.add(t), t);

  try {
    let h: tf.Tensor = keep(tf.tensor(streams.data.fillNormal(new Float32Array(batch * product(network.input)), network.inputMean ?? 0, network.inputStd ?? 1), [batch, ...network.input]));
    let weightIndex = 0;
    // With the backward pass and weights drawn here, dense layers work on transposed activations (see
    // denseTransposed) and every other layer on the usual layout; a 'transpose' tape entry marks each switch.
    let hTransposed = false;
    for (const spec of network.layers) {
      const wantTransposed = spec.kind === 'dense' && wantBackward && !isPrepared(given);
      if (wantTransposed !== hTransposed) {
        h = keep(tf.transpose(h));
        tape.push({ kind: 'transpose' });
        hTransposed = wantTransposed;
      }
      if (spec.kind === 'maxpool') {
        const input = h as tf.Tensor4D;
        h = keep(tf.maxPool(input, spec.size, spec.stride, 'valid'));
        if (wantBackward) tape.push({ kind: 'maxpool', input, size: spec.size, stride: spec.stride });
        else release(input);
        continue;
      }
      if (spec.kind === 'flatten') {
        const input = h;
        const inputShape = input.shape.slice(1);
        h = keep(tf.reshape(input, [batch, product(inputShape)]));
        if (!wantBackward) release(input);
        if (wantBackward) tape.push({ kind: 'flatten', inputShape });
        continue;
      }
      const info = infos[weightIndex++];
      await nextTask();
      const initStart = now();
      onInitLayer?.(info);
      let values: Float32Array | undefined;
      let weights: tf.Tensor;
      let weightSummary: WeightSummary;
      if (isPrepared(given)) {
        weights = given.tensors[info.index - 1]; // not ours: never released here
        weightSummary = given.summaries[info.index - 1];
      } else {
        values = draw(info);
        weightSummary = summarizeWeights(values, info.shape);
        weights = keep(tf.tensor(values, info.shape));
      }
      result.timings.initMs += now() - initStart;

      const forwardStart = now();
      const input = h;
      let pre: tf.Tensor;
      if (spec.kind === 'dense' && hTransposed) pre = denseTransposed(input as tf.Tensor2D, values!, info.shape[0], info.shape[1]);
      else if (spec.kind === 'dense') pre = tf.matMul(input as tf.Tensor2D, weights as tf.Tensor2D);
      else pre = tf.conv2d(input as tf.Tensor4D, weights as tf.Tensor4D, spec.stride ?? 1, spec.padding ?? 'valid');
      const activationOut = info.activation === 'linear' ? pre : keep(activate(pre, info.activation, info.negativeSlope));
      keep(pre);
      h = info.residual ? keep(tf.add(input, activationOut)) : activationOut;
      const forward = { ...weightSummary, ...activationStats(await pre.data() as Float32Array, info.activation, bins, info.negativeSlope) };
      // Only what the backward pass reads is kept: the pre-activations are done with.
      if (pre !== activationOut) release(pre);
      if (!wantBackward) release(input);
      result.timings.forwardMs += now() - forwardStart;

      const stats: LayerStats = {
        index: info.index, name: info.name, kind: info.kind, activation: info.activation,
        ...(info.negativeSlope !== undefined && { negativeSlope: info.negativeSlope }),
        fanIn: info.fanIn, fanOut: info.fanOut, shape: info.shape, residual: info.residual, forward,
      };
      result.layers.push(stats);
      onLayer?.(stats, 'forward');
      if (forward.overflow) {
        result.overflowAt = { index: info.index, phase: 'forward' };
        break;
      }
      if (wantBackward && spec.kind === 'dense' && hTransposed) {
        // ∂L/∂h_{l-1}ᵀ = W ∂L/∂y_lᵀ: W itself is the backward's left operand.
        tape.push({ kind: 'dense', info, input: input as tf.Tensor2D, backWeights: weights as tf.Tensor2D, activationOut: activationOut as tf.Tensor2D, transposed: true });
      } else if (wantBackward && spec.kind === 'dense') {
        // Wᵀ for ∂L/∂h_{l-1} = ∂L/∂y_l Wᵀ, because the wasm backend's matMul with transposeB is ≈ 10× slower than a plain one.
        const backWeights = keep(tf.transpose(weights as tf.Tensor2D));
        release(weights);
        tape.push({ kind: 'dense', info, input: input as tf.Tensor2D, backWeights, activationOut: activationOut as tf.Tensor2D, transposed: false });
      } else if (wantBackward && spec.kind === 'conv2d') {
        tape.push({ kind: 'conv2d', info, input: input as tf.Tensor4D, weights: weights as tf.Tensor4D, activationOut: activationOut as tf.Tensor4D, stride: spec.stride ?? 1, pad: spec.padding ?? 'valid' });
      } else {
        release(weights);
      }
    }

    if (wantBackward && !result.overflowAt) {
      const backwardStart = now();
      await backward(tape, h, hTransposed, streams, options.weightGradColumns ?? 64, result, onLayer);
      result.backward = true;
      result.timings.backwardMs = now() - backwardStart;
    }
    return result;
  } finally {
    for (const t of owned) t.dispose();
  }

  function release(t: tf.Tensor): void {
    if (owned.delete(t)) t.dispose();
  }
}

async function backward(
  tape: TapeEntry[], output: tf.Tensor, outputTransposed: boolean, streams: ReturnType<typeof labRandomStreams>, gradColumns: number,
  result: LabResult, onLayer: RunLabOptions['onLayer'],
): Promise<void> {
  // ∂L/∂h_L = R for L = Σ h_L ⊙ R, drawn in the [batch, units] layout whichever layout h_L has, so R is the same.
  const projection = streams.loss.fillNormal(new Float32Array(output.size));
  let gradOut: tf.Tensor = outputTransposed
    ? tf.tensor(transpose2d(projection, output.shape[1]!, output.shape[0], new Float32Array(output.size)), output.shape)
    : tf.tensor(projection, output.shape);
  const firstWeightEntry = tape.findIndex((e) => e.kind === 'dense' || e.kind === 'conv2d');
  try {
    for (let t = tape.length - 1; t >= firstWeightEntry; t--) {
      await nextTask();
      const entry = tape[t];
      const needInputGrad = t > firstWeightEntry;
      let gradIn: tf.Tensor | undefined;
      if (entry.kind === 'transpose') {
        gradIn = tf.transpose(gradOut);
      } else if (entry.kind === 'flatten') {
        gradIn = tf.reshape(gradOut, [gradOut.shape[0], ...entry.inputShape]);
      } else if (entry.kind === 'maxpool') {
        gradIn = maxPoolGradient(entry.input, gradOut as tf.Tensor4D, entry.size, entry.stride);
      } else {
        const { info } = entry;
        const gradPre = tf.tidy(() => tf.mul(gradOut, activationDerivative(entry.activationOut, info.activation, info.negativeSlope)));
        const stats: BackwardStats = { gradPreVar: 0, weightGradVar: 0, weightGradColumns: 0, overflow: false };
        // On the CPU-side backends ∂L/∂y is read once: its moments and the sampled columns come from that copy.
        const gradPreValues = onCpuSideBackend() ? (await gradPre.data()) as Float32Array : undefined;
        let weightGrad: tf.Tensor;
        if (entry.kind === 'dense') {
          const units = info.shape[1];
          const columns = units > gradColumns ? sampleColumns(units, gradColumns, streams.columns) : null;
          stats.weightGradColumns = columns ? columns.length : units;
          // (∂L/∂W)ᵀ restricted to the sampled columns: (∂L/∂y[:, S])ᵀ h_{l-1}, same entries, no transposed matMul.
          // Transposed layout: ∂L/∂W[:, S] = h_{l-1}ᵀ ∂L/∂y[:, S], with ∂L/∂y[:, S] the rows S of ∂L/∂yᵀ, transposed.
          weightGrad = tf.tidy(() => {
            if (entry.transposed) {
              const batchSize = gradPre.shape[1]!;
              const gradColumnsOfY = gradPreValues
                ? tf.tensor2d(transposeRows(gradPreValues, batchSize, columns), [batchSize, columns ? columns.length : units])
                : tf.transpose(columns ? tf.gather(gradPre, tf.tensor1d(columns, 'int32'), 0) : gradPre);
              return tf.matMul(entry.input, gradColumnsOfY as tf.Tensor2D);
            }
            if (columns && gradPreValues) {
              // (∂L/∂y[:, S])ᵀ gathered from the copy in JS: cheaper than the backend's gather and transpose.
              return tf.matMul(tf.tensor2d(gatherColumnsTransposed(gradPreValues, units, columns), [columns.length, gradPreValues.length / units]), entry.input);
            }
            const gradPreColumns = columns ? tf.gather(gradPre, tf.tensor1d(columns, 'int32'), 1) : gradPre;
            return tf.matMul(tf.transpose(gradPreColumns as tf.Tensor2D), entry.input);
          });
          if (needInputGrad) {
            gradIn = tf.tidy(() => {
              const throughWeights = entry.transposed
                ? tf.matMul(entry.backWeights, gradPre as tf.Tensor2D)
                : tf.matMul(gradPre as tf.Tensor2D, entry.backWeights);
              return info.residual ? tf.add(throughWeights, gradOut) : throughWeights;
            });
          }
        } else {
          stats.weightGradColumns = info.shape[3];
          weightGrad = convFilterGradient(entry.input, gradPre as tf.Tensor4D, info.shape[0], entry.stride, entry.pad);
          if (needInputGrad) {
            gradIn = tf.conv2dTranspose(gradPre as tf.Tensor4D, entry.weights, entry.input.shape, entry.stride, entry.pad);
          }
        }
        const [preMean, preSquare] = gradPreValues ? meanAndSquareOfValues(gradPreValues) : await meanAndSquare(gradPre);
        const [wMean, wSquare] = await meanAndSquare(weightGrad);
        gradPre.dispose();
        weightGrad.dispose();
        stats.gradPreVar = Math.max(0, preSquare - preMean * preMean);
        stats.weightGradVar = Math.max(0, wSquare - wMean * wMean);
        stats.overflow = !Number.isFinite(preSquare) || !Number.isFinite(wSquare);
        const layerStats = result.layers[info.index - 1];
        layerStats.backward = stats;
        onLayer?.(layerStats, 'backward');
        if (stats.overflow) {
          result.overflowAt = { index: info.index, phase: 'backward' };
          gradIn?.dispose();
          break;
        }
      }
      gradOut.dispose();
      if (!gradIn) return;
      gradOut = gradIn;
    }
  } finally {
    if (!gradOut.isDisposed) gradOut.dispose();
  }
}

/**
 * Routes ∂L/∂(pool output) to the inputs that were the maxima. Calls the backend's MaxPoolGrad kernel directly:
 * tfjs-core's Node bundle registers no gradient functions, so tf.grad(tf.maxPool) cannot run there.
 */
function maxPoolGradient(input: tf.Tensor4D, gradOut: tf.Tensor4D, size: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const output = tf.maxPool(input, size, stride, 'valid');
    try {
      return tf.engine().runKernel('MaxPoolGrad', { dy: gradOut, input, output }, { filterSize: size, strides: stride, pad: 'valid' }) as tf.Tensor4D;
    } catch (error) {
      throw new Error(`the backward pass through max-pooling needs the MaxPoolGrad kernel, which the ${tf.getBackend()} backend lacks (${(error as Error).message})`);
    }
  });
}

/**
 * ∂L/∂W of a conv layer, ∂L/∂W[p, q, c, f] = Σ_{b,i,j} x_pad[b, p + i·s, q + j·s, c] · ∂L/∂y[b, i, j, f], computed
 * as one forward convolution (batch and channels swapped, the gradient as a filter dilated by the stride):
 * the wasm backend has no Conv2DBackpropFilter kernel, so tf.grad of conv2d cannot run there.
 */
export function convFilterGradient(x: tf.Tensor4D, gradOut: tf.Tensor4D, kernel: number, stride: number, pad: 'same' | 'valid' | number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, height, width] = x.shape;
    const [, outHeight, outWidth] = gradOut.shape;
    const spanH = (outHeight - 1) * stride + kernel;
    const spanW = (outWidth - 1) * stride + kernel;
    let top = 0, left = 0;
    if (typeof pad === 'number') { top = pad; left = pad; }
    else if (pad === 'same') {
      top = Math.floor(Math.max(spanH - height, 0) / 2);
      left = Math.floor(Math.max(spanW - width, 0) / 2);
    }
    const bottom = Math.max(0, spanH - height - top);
    const right = Math.max(0, spanW - width - left);
    let padded = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    padded = tf.slice(padded, [0, 0, 0, 0], [-1, spanH, spanW, -1]);
    const channelsAsBatch = tf.transpose(padded, [3, 1, 2, 0]); // [C, H', W', B]
    const gradAsFilter = tf.transpose(gradOut, [1, 2, 0, 3]); // [oh, ow, B, F]
    const out = tf.conv2d(channelsAsBatch, gradAsFilter, 1, 'valid', 'NHWC', [stride, stride]); // [C, k, k, F]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/**
 * [mean, mean square] of all entries. On the CPU-side backends (wasm, cpu) reading the values and summing in JS
 * (float64) is several times cheaper than four reduction kernels; on GPU backends the reductions run there and
 * only two numbers come back.
 */
async function meanAndSquare(x: tf.Tensor): Promise<[number, number]> {
  if (onCpuSideBackend()) return meanAndSquareOfValues((await x.data()) as Float32Array);
  const both = tf.tidy(() => tf.stack([tf.mean(x), tf.mean(tf.square(x))]));
  const [mean, square] = Array.from(await both.data());
  both.dispose();
  return [mean, square];
}

function onCpuSideBackend(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** [mean, mean square] of the values, summed in float64 with two accumulators each. */
function meanAndSquareOfValues(values: Float32Array): [number, number] {
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

/**
 * A dense layer's pre-activations in the transposed layout, yᵀ = Wᵀ hᵀ [units, batch]. The wasm backend packs a
 * matMul's right operand anew for every new tensor: packing hᵀ [fanIn, batch] costs about half of packing W
 * [fanIn, units] (0.5 vs 0.9 ms at 512 × 512, batch 256), in the forward and again in the backward pass.
 */
function denseTransposed(inputT: tf.Tensor2D, values: Float32Array, fanIn: number, units: number): tf.Tensor {
  const weightsT = tf.tensor2d(transpose2d(values, fanIn, units, transposeTarget(values.length)), [units, fanIn]);
  try {
    return tf.matMul(weightsT, inputT);
  } finally {
    weightsT.dispose();
  }
}

/** Row-major [rows, cols] values → the listed rows (all when null), transposed: a [cols, listed rows] array. */
function transposeRows(values: Float32Array, cols: number, rows: readonly number[] | null): Float32Array {
  const count = rows ? rows.length : values.length / cols;
  const out = new Float32Array(count * cols);
  for (let k = 0; k < count; k++) {
    const offset = (rows ? rows[k] : k) * cols;
    for (let c = 0; c < cols; c++) out[c * count + k] = values[offset + c];
  }
  return out;
}

/** Row-major [rows, units] values → the listed columns as the rows of a [columns, rows] array. */
function gatherColumnsTransposed(values: Float32Array, units: number, columns: readonly number[]): Float32Array {
  const rows = values.length / units;
  const out = new Float32Array(columns.length * rows);
  for (let k = 0; k < columns.length; k++) {
    const column = columns[k];
    const offset = k * rows;
    for (let r = 0; r < rows; r++) out[offset + r] = values[r * units + column];
  }
  return out;
}

function activate(y: tf.Tensor, activation: Activation, negativeSlope = LEAKY_RELU_SLOPE): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.relu(y);
    case 'leaky_relu': return tf.leakyRelu(y, negativeSlope);
    case 'tanh': return tf.tanh(y);
    case 'sigmoid': return tf.sigmoid(y);
    case 'linear': return y;
  }
}

/** φ'(y) written in terms of a = φ(y), so the forward pass keeps only the activations. */
function activationDerivative(a: tf.Tensor, activation: Activation, negativeSlope = LEAKY_RELU_SLOPE): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.step(a, 0);
    case 'leaky_relu': return tf.step(a, negativeSlope);
    case 'tanh': return tf.sub(1, tf.square(a));
    case 'sigmoid': return tf.mul(a, tf.sub(1, a));
    case 'linear': return tf.onesLike(a);
  }
}

/** Row-major [rows, cols] → [cols, rows] into `out`, in cache-friendly blocks (16: ≈ 1.6× faster than 32 on 512 × 512). */
function transpose2d(values: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  const block = 16;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) {
        const rowOffset = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[rowOffset + c];
      }
    }
  }
  return out;
}

/** Up to this many values, one scratch array is reused for every layer's Wᵀ (larger ones are not kept alive). */
const TRANSPOSE_SCRATCH_LIMIT = 1 << 20;
let transposeScratch: Float32Array | undefined;

/**
 * Where Wᵀ is written before it becomes a tensor. The wasm backend copies the values into its heap when the
 * tensor is made, so one scratch array serves every layer (no megabyte allocation and garbage per layer); the cpu
 * and webgl backends keep a reference to the array they are given, so they get a fresh one.
 */
function transposeTarget(size: number): Float32Array {
  if (tf.getBackend() !== 'wasm' || size > TRANSPOSE_SCRATCH_LIMIT) return new Float32Array(size);
  if (!transposeScratch || transposeScratch.length < size) transposeScratch = new Float32Array(TRANSPOSE_SCRATCH_LIMIT);
  return transposeScratch.subarray(0, size);
}

/** Distinct column indices chosen uniformly at random (partial Fisher–Yates). */
function sampleColumns(units: number, count: number, random: Random): number[] {
  const all = Array.from({ length: units }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.uniform01() * (units - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a - b);
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

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

let lastYield = 0;

/**
 * Yields to the host's event loop at most every 25 ms (a UI draws the streamed layers, a test runner answers its
 * RPC), on a fresh macrotask: setImmediate in Node, a MessageChannel message in browsers and workers (setTimeout
 * would be clamped to 4 ms there).
 */
function nextTask(): Promise<void> {
  if (now() - lastYield < 25) return Promise.resolve();
  lastYield = now();
  const g = globalThis as { setImmediate?: (f: () => void) => void; MessageChannel?: typeof MessageChannel };
  return new Promise((resolve) => {
    if (g.setImmediate) g.setImmediate(resolve);
    else if (g.MessageChannel) {
      const channel = new g.MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

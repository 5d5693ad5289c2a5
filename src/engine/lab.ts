/**
 * The lab: build → initialize → forward → backward → statistics, one weight layer at a time.
 *
 * Forward, per layer l:   y_l = h_{l-1} W_l        a_l = φ(y_l)        h_l = a_l  (or h_{l-1} + a_l if residual)
 * Loss:                   L = Σ h_L ⊙ R,  R ~ N(0, 1) fixed, so ∂L/∂h_L = R
 * Backward, per layer l:  ∂L/∂y_l = ∂L/∂h_l ⊙ φ'(y_l)
 *                         ∂L/∂W_l = h_{l-1}ᵀ ∂L/∂y_l
 *                         ∂L/∂h_{l-1} = ∂L/∂y_l W_lᵀ  (+ ∂L/∂h_l if residual)
 * Dense layers are differentiated by hand with these matMuls (cheaper than tf.grad, and it reads like the
 * derivation), on transposed activations when there is a backward pass (hᵀ, yᵀ = Wᵀ hᵀ: see transposedWeights);
 * conv layers use conv2dTranspose and convFilterGradient, max-pooling the backend's MaxPoolGrad (lab-kernels.ts).
 * Biases are zero at initialization, so adding them is skipped (it changes nothing). The statistics of each
 * layer are computed in lab-stats.ts, the weights' summaries in weight-summary.ts; the weights are drawn in lab-weights.ts.
 *
 * Uses TF.js on whatever backend the caller has set (browser worker or Node). No DOM, no Node built-ins.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LearnerInitializer } from './learner-api';
import { sampleInitializer, type InitializerRef } from './initializers';
import { activate, activationDerivative, convFilterGradient, maxPoolGradient, sampleColumns, tensorFilledBy, transpose2d, transposedWeights, transposeRows } from './lab-kernels';
import { activationStats, meanAndSquare, meanAndSquareOfValues, onCpuSideBackend } from './lab-stats';
import { weightLayers } from './networks';
import { labRandomStreams, weightSource, type PreparedWeights } from './lab-weights';
import type { BackwardStats, LabResult, LayerInfo, LayerStats, NetworkSpec } from './types';
import { summarizeWeights, type WeightSummary } from './weight-summary';

export { SATURATION_LEVEL, activationStats } from './lab-stats';
export { summarizeWeights, type WeightSummary };
export { convFilterGradient } from './lab-kernels';
export { drawWeightTensors, initializeWeights, labRandomStreams, prepareWeights, type PreparedWeights } from './lab-weights';

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

function isPrepared(weights: RunLabOptions['weights']): weights is PreparedWeights {
  return weights !== undefined && !Array.isArray(weights);
}

type TapeEntry =
  /** Transposed layout: inputT hᵀ [fanIn, batch], activationOutT aᵀ [units, batch], weights W [fanIn, units]. */
  | { kind: 'dense'; info: LayerInfo; inputT: tf.Tensor2D; weights: tf.Tensor2D; activationOutT: tf.Tensor2D }
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
  // A reference initializer draws each layer straight into its tensor (see tensorFilledBy), from the same stream.
  const reference = !given && typeof options.initializer === 'object' ? options.initializer : undefined;

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
    // With the backward pass, dense layers work on transposed activations (see transposedWeights) and every
    // other layer on the usual layout; a 'transpose' tape entry marks each switch.
    let hTransposed = false;
    for (const spec of network.layers) {
      const wantTransposed = spec.kind === 'dense' && wantBackward;
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
      } else if (reference) {
        [weights, weightSummary] = tensorFilledBy(info.shape, (out) => summarizeWeights(sampleInitializer(reference, info.shape, streams.weights, out), info.shape));
        keep(weights);
      } else {
        values = draw(info);
        weightSummary = summarizeWeights(values, info.shape);
        weights = keep(tf.tensor(values, info.shape));
      }
      result.timings.initMs += now() - initStart;

      const forwardStart = now();
      const input = h;
      let pre: tf.Tensor;
      if (spec.kind === 'dense' && hTransposed) {
        const weightsT = transposedWeights(weights as tf.Tensor2D, values);
        pre = tf.matMul(weightsT, input as tf.Tensor2D);
        weightsT.dispose();
      } else if (spec.kind === 'dense') pre = tf.matMul(input as tf.Tensor2D, weights as tf.Tensor2D);
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
      if (wantBackward && spec.kind === 'dense') {
        // ∂L/∂h_{l-1}ᵀ = W ∂L/∂y_lᵀ: W itself is the backward's left operand.
        tape.push({ kind: 'dense', info, inputT: input as tf.Tensor2D, weights: weights as tf.Tensor2D, activationOutT: activationOut as tf.Tensor2D });
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
        const activationOut = entry.kind === 'dense' ? entry.activationOutT : entry.activationOut;
        const gradPre = tf.tidy(() => tf.mul(gradOut, activationDerivative(activationOut, info.activation, info.negativeSlope)));
        const stats: BackwardStats = { gradPreVar: 0, weightGradVar: 0, weightGradColumns: 0, overflow: false };
        // On the CPU-side backends ∂L/∂y is read once: its moments and the sampled columns come from that copy.
        const gradPreValues = onCpuSideBackend() ? (await gradPre.data()) as Float32Array : undefined;
        let weightGrad: tf.Tensor;
        if (entry.kind === 'dense') {
          const units = info.shape[1];
          const columns = units > gradColumns ? sampleColumns(units, gradColumns, streams.columns) : null;
          stats.weightGradColumns = columns ? columns.length : units;
          // ∂L/∂W[:, S] = h_{l-1}ᵀ ∂L/∂y[:, S], with ∂L/∂y[:, S] the rows S of ∂L/∂yᵀ, transposed (in JS from the copy
          // when there is one: cheaper than the backend's gather and transpose).
          weightGrad = tf.tidy(() => {
            const batchSize = gradPre.shape[1]!;
            const gradColumnsOfY = gradPreValues
              ? tf.tensor2d(transposeRows(gradPreValues, batchSize, columns), [batchSize, columns ? columns.length : units])
              : tf.transpose(columns ? tf.gather(gradPre, tf.tensor1d(columns, 'int32'), 0) : gradPre);
            return tf.matMul(entry.inputT, gradColumnsOfY as tf.Tensor2D);
          });
          if (needInputGrad) {
            gradIn = tf.tidy(() => {
              const throughWeights = tf.matMul(entry.weights, gradPre as tf.Tensor2D);
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

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

let lastYield = 0;

/**
 * Yields to the host's event loop at most every 25 ms (a UI draws the streamed layers, a test runner answers its
 * RPC), on a fresh macrotask: setImmediate in Node, a MessageChannel message in browsers and workers (setTimeout
 * would be clamped to 4 ms there).
 */
export function nextTask(): Promise<void> {
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

/**
 * The `layerInputs()` tool of data-dependent initializers (LSUV, Mishkin & Matas 2016): a layer's actual
 * input batch, given the weights the learner returned for the layers before it.
 *
 * Whoever calls the learner's initializer layer by layer (the lab in-process, the learner realm in Node and
 * in the browser) makes one `LayerInputs` per network, offers `tool(layer)` as `InitTools.layerInputs`,
 * and hands every returned weight array to `record`. The batch is fixed by the seed, so a run is
 * reproducible, and it is drawn from its own stream, so it is not the batch the grader measures on.
 * Pure TypeScript on Float32Arrays: no TF.js (the learner realm may not have a backend to spare), no DOM,
 * no Node built-ins.
 */
import { createRandom } from './random';
import { activation } from './theory';
import type { LayerInfo } from './types';

export interface LayerInputsOptions {
  /** Seeds the input batch. */
  seed: number;
  /** Examples in the batch. Default 128. */
  batch?: number;
  /** The network's inputs are x ~ N(inputMean, inputStd²), as in the lab. Default 0 and 1. */
  inputMean?: number;
  inputStd?: number;
}

export interface LayerInputs {
  /** The function a learner gets as `layerInputs` while its initializer fills `layer`. */
  tool(layer: LayerInfo): () => Float32Array;
  /** This layer's input batch [batch, fanIn] (row-major) from the weights recorded so far. */
  inputsFor(layer: LayerInfo): Float32Array;
  /** The weights returned for `layer`; call it for every layer, in order. */
  record(layer: LayerInfo, weights: Float32Array): void;
}

export const DEFAULT_LAYER_INPUTS_BATCH = 128;

export function createLayerInputs(options: LayerInputsOptions): LayerInputs {
  const batch = options.batch ?? DEFAULT_LAYER_INPUTS_BATCH;
  // The batch is drawn lazily, once the first layer's input width is known.
  let h: Float32Array | null = null;
  /** How many weight layers `h` has been pushed through. */
  let reached = 0;
  const pending: Array<{ layer: LayerInfo; weights: Float32Array }> = [];
  let convLayer: LayerInfo | null = null;

  const unavailable = (layer: LayerInfo, why: string) =>
    new Error(`layerInputs() is not available for layer ${layer.index} (${layer.name}): ${why}`);

  const inputsFor = (layer: LayerInfo): Float32Array => {
    if (layer.kind !== 'dense') throw unavailable(layer, 'it is available for dense layers only, not for conv layers');
    if (convLayer) throw unavailable(layer, `the network has a conv layer before it (layer ${convLayer.index}), and layerInputs() follows dense layers only`);
    if (reached + pending.length !== layer.index - 1) {
      throw unavailable(layer, `the weights of layers ${reached + pending.length + 1}…${layer.index - 1} were not recorded (the engine records each layer in order)`);
    }
    if (!h) {
      const first = pending[0]?.layer ?? layer;
      h = drawInputs(options, batch, first.inputShape[0]);
    }
    for (const { layer: previous, weights } of pending.splice(0)) h = forward(h, previous, weights, batch);
    reached = layer.index - 1;
    if (h.length !== batch * layer.fanIn) {
      throw unavailable(layer, `its input width ${layer.fanIn} is not the previous layer's output width ${h.length / batch} (something other than a dense layer sits between them)`);
    }
    return h.slice();
  };

  return {
    tool: (layer) => () => inputsFor(layer),
    inputsFor,
    record(layer, weights) {
      if (layer.kind !== 'dense') convLayer ??= layer;
      if (convLayer) return; // nothing after a conv layer can be followed: keep no weights
      pending.push({ layer, weights });
    },
  };
}

/** Salts the seed, so the batch is not the lab's own data batch for the same seed. */
const INPUTS_SEED_SALT = 0x1a5e5eed;

function drawInputs(options: LayerInputsOptions, batch: number, width: number): Float32Array {
  return createRandom((options.seed ^ INPUTS_SEED_SALT) >>> 0).fillNormal(new Float32Array(batch * width), options.inputMean ?? 0, options.inputStd ?? 1);
}

/** y = h·W, a = φ(y), out = a (or h + a for a residual layer); h is [batch, fanIn], W is [fanIn, units]. */
export function forward(h: Float32Array, layer: LayerInfo, weights: Float32Array, batch: number): Float32Array {
  const [fanIn, units] = layer.shape;
  if (weights.length !== fanIn * units) throw new Error(`layerInputs: layer ${layer.index} has ${weights.length} weights, expected ${fanIn * units}`);
  const out = new Float32Array(batch * units);
  const row = new Float64Array(units);
  for (let b = 0; b < batch; b++) {
    row.fill(0);
    const input = b * fanIn;
    for (let i = 0; i < fanIn; i++) {
      const x = h[input + i];
      if (x === 0) continue; // ReLU zeroes half of the inputs
      const w = i * units;
      for (let u = 0; u < units; u++) row[u] += x * weights[w + u];
    }
    const output = b * units;
    for (let u = 0; u < units; u++) {
      const a = activation(layer.activation, row[u], layer.negativeSlope);
      out[output + u] = layer.residual ? h[input + u] + a : a;
    }
  }
  return out;
}

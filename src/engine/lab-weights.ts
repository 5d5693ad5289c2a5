/**
 * The lab's weights: the seeded streams, every layer's weights drawn before a run (`initializeWeights`), or drawn
 * straight into tensors and summarized once for several runs (`prepareWeights`); `runLab` (lab.ts) takes either.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createLayerInputs } from './layer-inputs';
import { callInitializer, learnerRandom, type LearnerInitializer } from './learner-api';
import { sampleInitializer, type InitializerRef } from './initializers';
import { tensorFilledBy } from './lab-kernels';
import { weightLayers } from './networks';
import { createRandom, type Random } from './random';
import type { LayerInfo, NetworkSpec } from './types';
import { summarizeWeights, type WeightSummary } from './weight-summary';

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

export function weightSource(
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

/**
 * Every layer's weights drawn with a reference initializer straight into tensors (see tensorFilledBy), from the
 * same stream as `initializeWeights`, so the values are the same. `inspect` sees each layer's values while they can
 * be read. The caller disposes the tensors.
 */
export function drawWeightTensors(
  network: NetworkSpec, initializer: InitializerRef, seed = 1, inspect?: (values: Float32Array, layer: LayerInfo) => void,
): tf.Tensor[] {
  const random = labRandomStreams(seed).weights;
  const tensors: tf.Tensor[] = [];
  try {
    for (const layer of weightLayers(network)) {
      const [tensor] = tensorFilledBy(layer.shape, (out) => {
        sampleInitializer(initializer, layer.shape, random, out);
        inspect?.(out, layer);
      });
      tensors.push(tensor);
    }
  } catch (error) {
    tensors.forEach((t) => t.dispose());
    throw error;
  }
  return tensors;
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
  let tensors: tf.Tensor[], summaries: WeightSummary[];
  if (!Array.isArray(source) && typeof source !== 'function') {
    summaries = [];
    tensors = drawWeightTensors(network, source, seed, (values, layer) => { summaries.push(summarizeWeights(values, layer.shape)); });
  } else {
    const values = Array.isArray(source) ? source : initializeWeights(network, source, seed);
    if (values.length !== layers.length) throw new Error(`prepareWeights: got ${values.length} weight arrays for ${layers.length} weight layers`);
    tensors = layers.map((layer, i) => tf.tensor(values[i], layer.shape));
    summaries = layers.map((layer, i) => summarizeWeights(values[i], layer.shape));
  }
  return { network: network.name, tensors, summaries, dispose: () => tensors.forEach((t) => t.dispose()) };
}

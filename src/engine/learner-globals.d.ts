/**
 * Ambient declarations for a learner's initializer file. The file needs no import: these types are global.
 * The exercise editor (Monaco) loads this same file as an extra lib, so hovering a name shows these docs.
 * Keep in step with LayerInfo in src/engine/types.ts and the sampler in src/engine/learner-api.ts.
 *
 * The contract:
 * ```ts
 * export default function init(layer: LayerInfo, { tf, random }: InitTools): Weights {
 *   const std = Math.sqrt(2 / layer.fanIn);
 *   return random.normal(layer.shape, 0, std);
 * }
 * ```
 * The engine calls `init` once per weight layer, in order (layer 1 first). Biases are always zero.
 */

/** An activation function used in the exercises' networks. */
type LearnerActivation = 'linear' | 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid';

/** What your initializer learns about the weight layer it must fill. */
interface LayerInfo {
  /** 1-based position among the weight layers (dense and conv2d); "layer 37" in messages means this index. */
  readonly index: number;
  /** The layer's name, e.g. "dense12" or "conv3". */
  readonly name: string;
  /** "dense" (fully connected) or "conv2d" (convolution). */
  readonly kind: 'dense' | 'conv2d';
  /**
   * The weight shape you must return, as TF.js stores it:
   * dense `[fanIn, units]`; conv2d `[kernelHeight, kernelWidth, inChannels, outChannels]`.
   */
  readonly shape: readonly number[];
  /**
   * Number of inputs each output unit sums over, as TF.js/Keras compute it:
   * dense `shape[0]`; conv2d `kernelHeight · kernelWidth · inChannels`.
   */
  readonly fanIn: number;
  /**
   * Number of outputs each input feeds, as TF.js/Keras compute it:
   * dense `shape[1]`; conv2d `kernelHeight · kernelWidth · outChannels`.
   */
  readonly fanOut: number;
  /** The activation applied after this layer: "linear", "relu", "leaky_relu", "tanh" or "sigmoid". */
  readonly activation: LearnerActivation;
  /**
   * leaky_relu layers only: the slope a for negative inputs, φ(y) = a·y for y < 0 (0.01 unless the
   * exercise says otherwise). Absent for the other activations.
   */
  readonly negativeSlope?: number;
  /** Total number of weight layers in the network. */
  readonly depth: number;
  /** Shape of one example entering the layer (no batch axis): dense `[n]`, conv2d `[h, w, c]`. */
  readonly inputShape: readonly number[];
  /** Shape of one example leaving the layer (before pooling): dense `[units]`, conv2d `[h, w, filters]`. */
  readonly outputShape: readonly number[];
  /** Whether the layer has a bias (always initialized to zero by the lab). */
  readonly bias: boolean;
  /** Residual layer: output = input + activation(W·input). */
  readonly residual: boolean;
}

/** A fast seeded sampler. Every array it returns is a fresh Float32Array of `prod(shape)` values. */
interface LearnerRandom {
  /** Samples from N(mean, std²). Default mean 0, std 1. */
  normal(shape: readonly number[], mean?: number, std?: number): Float32Array;
  /** Samples from the uniform distribution on [low, high). */
  uniform(shape: readonly number[], low: number, high: number): Float32Array;
  /**
   * Samples from N(mean, std²) truncated to mean ± 2·std (out-of-range draws are redrawn, as TF.js does).
   * Note: the result's std is ≈ 0.8796·std, not std.
   */
  truncatedNormal(shape: readonly number[], mean?: number, std?: number): Float32Array;
  /**
   * A random orthogonal matrix times `gain` (uniformly distributed over all orthogonal matrices, as
   * Keras' and PyTorch's orthogonal initializers). The shape is seen as a matrix [rows, cols] with
   * cols = the last dimension and rows = the product of the others; if rows ≥ cols its columns are
   * orthonormal (WᵀW = gain²·I), otherwise its rows. Fast: a 512 × 512 layer takes ≈ 20 ms (WebAssembly SIMD).
   * For ReLU use gain √2 (Saxe et al. 2014; He's argument with ‖Wx‖ = ‖x‖).
   */
  orthogonal(shape: readonly number[], gain?: number): Float32Array;
}

/** The tools your initializer receives as its second argument. */
interface InitTools {
  /**
   * The TF.js core namespace (`@tensorflow/tfjs-core`), already running on the lab's backend.
   * Tensors you create inside `init` are cleaned up for you; return one of them if you like.
   */
  readonly tf: typeof import('@tensorflow/tfjs-core');
  /** A seeded sampler that is much faster than `tf.randomNormal`; the lab reseeds it for every run. */
  readonly random: LearnerRandom;
  /**
   * For data-dependent initialization (LSUV): returns this layer's actual input batch, `[batch, fanIn]`
   * row-major (batch = length / layer.fanIn), for a fixed batch of inputs pushed through the weights
   * your initializer returned for the earlier layers. Dense layers only (it throws for conv layers); call it
   * from layer 1 on, since it follows the batch through each layer as your weights come back.
   * Optional: check `if (layerInputs)` before you use it where an exercise may not offer it.
   */
  readonly layerInputs?: () => Float32Array;
}

/**
 * What your initializer returns: exactly `prod(layer.shape)` finite numbers, in row-major order of `layer.shape`,
 * as a float32 `tf.Tensor` of that shape, a Float32Array, or a plain array of numbers.
 */
type Weights = import('@tensorflow/tfjs-core').Tensor | Float32Array | number[];

/** The function an initializer file exports (as `export default` or `export function init`). */
type Initializer = (layer: LayerInfo, tools: InitTools) => Weights;

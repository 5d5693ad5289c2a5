/**
 * The lab's kernels beyond plain TF.js ops: gradients TF.js lacks on some backends (conv filter, max-pool), the
 * transposed dense layout and the JS-side transposes that feed it, activations and their derivatives.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LEAKY_RELU_SLOPE } from './networks';
import type { Random } from './random';
import type { Activation } from './types';

/**
 * Routes ∂L/∂(pool output) to the inputs that were the maxima. Calls the backend's MaxPoolGrad kernel directly:
 * tfjs-core's Node bundle registers no gradient functions, so tf.grad(tf.maxPool) cannot run there.
 */
export function maxPoolGradient(input: tf.Tensor4D, gradOut: tf.Tensor4D, size: number, stride: number): tf.Tensor4D {
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
 * Wᵀ [units, fanIn] for a dense layer's pre-activations in the transposed layout, yᵀ = Wᵀ hᵀ [units, batch]. The
 * wasm backend packs a matMul's right operand anew for every new tensor: packing hᵀ [fanIn, batch] costs about half
 * of packing W [fanIn, units] (0.5 vs 0.9 ms at 512 × 512, batch 256), in the forward and again in the backward
 * pass. Transposed in JS from the values when they came as an array (given, or from the learner's code), else by
 * the backend (prepared tensors, and reference weights drawn straight into their tensor: the two cost about the same).
 */
export function transposedWeights(weights: tf.Tensor2D, values: Float32Array | undefined): tf.Tensor2D {
  const [fanIn, units] = weights.shape;
  if (!values) return tf.transpose(weights);
  return tf.tensor2d(transpose2d(values, fanIn, units, transposeTarget(values.length)), [units, fanIn]);
}

/** Row-major [rows, cols] values → the listed rows (all when null), transposed: a [cols, listed rows] array. */
export function transposeRows(values: Float32Array, cols: number, rows: readonly number[] | null): Float32Array {
  const count = rows ? rows.length : values.length / cols;
  const out = new Float32Array(count * cols);
  for (let k = 0; k < count; k++) {
    const offset = (rows ? rows[k] : k) * cols;
    for (let c = 0; c < cols; c++) out[c * count + k] = values[offset + c];
  }
  return out;
}

export function activate(y: tf.Tensor, activation: Activation, negativeSlope = LEAKY_RELU_SLOPE): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.relu(y);
    case 'leaky_relu': return tf.leakyRelu(y, negativeSlope);
    case 'tanh': return tf.tanh(y);
    case 'sigmoid': return tf.sigmoid(y);
    case 'linear': return y;
  }
}

/** φ'(y) written in terms of a = φ(y), so the forward pass keeps only the activations. */
export function activationDerivative(a: tf.Tensor, activation: Activation, negativeSlope = LEAKY_RELU_SLOPE): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.step(a, 0);
    case 'leaky_relu': return tf.step(a, negativeSlope);
    case 'tanh': return tf.sub(1, tf.square(a));
    case 'sigmoid': return tf.mul(a, tf.sub(1, a));
    case 'linear': return tf.onesLike(a);
  }
}

/** Row-major [rows, cols] → [cols, rows] into `out`, in cache-friendly blocks (16: ≈ 1.6× faster than 32 on 512 × 512). */
export function transpose2d(values: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
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

/** The two methods of TF.js's wasm backend that give a tensor's memory on the WASM heap as a Float32Array. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * A float32 tensor of `shape` whose values `fill` writes, and what `fill` returns. On the wasm backend `fill` writes
 * straight into the tensor's memory on the WASM heap: no Float32Array to allocate (the OS zeroes and maps fresh
 * pages for it), to copy into the heap and to collect afterwards; for AlexNet's 61 M weights that was a third of
 * drawing them (735 → 492 ms). Elsewhere `fill` gets a new array, which becomes the tensor (the cpu backend keeps
 * it, webgl/webgpu upload it). The array is valid only while `fill` runs: the heap moves when it grows, so read it
 * back (summaries) inside `fill`.
 */
export function tensorFilledBy<T>(shape: readonly number[], fill: (out: Float32Array) => T): [tf.Tensor, T] {
  const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
  if (tf.getBackend() !== 'wasm' || typeof backend.makeOutput !== 'function' || typeof backend.typedArrayFromHeap !== 'function') {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const result = fill(values);
    return [tf.tensor(values, [...shape]), result];
  }
  const info = backend.makeOutput([...shape], 'float32');
  let result: T;
  try {
    result = fill(backend.typedArrayFromHeap(info));
  } catch (error) {
    tf.backend().disposeData(info.dataId);
    throw error;
  }
  return [tf.engine().makeTensorFromTensorInfo(info), result];
}

/** Distinct column indices chosen uniformly at random (partial Fisher–Yates). */
export function sampleColumns(units: number, count: number, random: Random): number[] {
  const all = Array.from({ length: units }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.uniform01() * (units - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

/**
 * Where a learner's initializer meets the engine: the tools it receives and the validation of what it returns.
 * The contract is documented for learners in learner-globals.d.ts (same names, same meaning).
 * No Node built-ins: runs in the browser worker and in Node.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Random } from './random';
import { sampleOrthogonal } from './orthogonal';
import type { LayerInfo } from './types';

export interface LearnerRandom {
  normal(shape: readonly number[], mean?: number, std?: number): Float32Array;
  uniform(shape: readonly number[], low: number, high: number): Float32Array;
  truncatedNormal(shape: readonly number[], mean?: number, std?: number): Float32Array;
  orthogonal(shape: readonly number[], gain?: number): Float32Array;
}

export interface InitTools {
  readonly tf: typeof TF;
  readonly random: LearnerRandom;
  /**
   * Optional (data-dependent initialization, e.g. LSUV): this layer's input batch [batch, fanIn], row-major,
   * computed from the weights returned for the earlier layers (see layer-inputs.ts). Absent where the caller
   * does not supply it.
   */
  readonly layerInputs?: () => Float32Array;
}

export type Weights = TF.Tensor | Float32Array | number[];
export type LearnerInitializer = (layer: LayerInfo, tools: InitTools) => Weights;

/** Why a learner's initializer was rejected; `layer` is the 1-based weight-layer index it was filling. */
export type LearnerErrorKind =
  | 'shape' | 'dtype' | 'length' | 'non-finite' | 'threw' | 'timeout' | 'memory' | 'not-a-function' | 'async' | 'compile';

export class LearnerError extends Error {
  constructor(
    readonly kind: LearnerErrorKind,
    message: string,
    readonly layer?: number,
  ) {
    super(message);
    this.name = 'LearnerError';
  }
}

// Built-ins the checks below rely on, captured when this module loads (in the learner's realm: before any
// learner code runs), so an initializer that patches its realm's built-ins after drawing its weights still
// has them read correctly.
const Float32ArrayOf = Float32Array;
const isArray = Array.isArray;
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float32Array.prototype), 'length')!.get! as (this: unknown) => number;

/** The length of a genuine Float32Array, or -1 for anything else (a Proxy, a look-alike object). */
function float32Length(value: unknown): number {
  if (!(value instanceof Float32ArrayOf)) return -1;
  try {
    return typedArrayLength.call(value);
  } catch {
    return -1;
  }
}

export function layerLabel(layer: Pick<LayerInfo, 'index' | 'name'>): string {
  return `layer ${layer.index} (${layer.name})`;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkShape(shape: readonly number[], what: string): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`random.${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return product(shape);
}

/** The `random` a learner gets: shape-based wrappers over the engine's seeded sampler. */
export function learnerRandom(random: Random): LearnerRandom {
  return {
    normal: (shape, mean = 0, std = 1) => random.fillNormal(new Float32Array(checkShape(shape, 'normal')), mean, std),
    uniform: (shape, low, high) => random.fillUniform(new Float32Array(checkShape(shape, 'uniform')), low, high),
    truncatedNormal: (shape, mean = 0, std = 1) =>
      random.fillTruncatedNormal(new Float32Array(checkShape(shape, 'truncatedNormal')), mean, std),
    orthogonal: (shape, gain = 1) => {
      checkShape(shape, 'orthogonal');
      if (shape.length < 2) throw new Error(`random.orthogonal: shape needs at least 2 dimensions, got ${JSON.stringify(shape)}`);
      if (typeof gain !== 'number' || !Number.isFinite(gain)) throw new Error(`random.orthogonal: gain must be a finite number, got ${String(gain)}`);
      return sampleOrthogonal(shape, gain, random);
    },
  };
}

/**
 * Calls the learner's initializer for one layer and returns its weights as a Float32Array of prod(shape) finite values.
 * Tensors the initializer creates are freed (tf.tidy); a returned tensor is read and disposed.
 * Throws LearnerError naming the layer for: a thrown error, a Promise, wrong type/dtype/shape/length, NaN or ±Inf.
 */
export function callInitializer(init: LearnerInitializer, layer: LayerInfo, tools: InitTools): Float32Array {
  const { tf } = tools;
  const label = layerLabel(layer);
  const size = product(layer.shape);
  const expected = `a float32 tf.Tensor of shape [${layer.shape.join(', ')}], or a Float32Array / number[] of ${size} values`;
  let returned: unknown;
  try {
    // A frozen copy: the learner cannot change the engine's view of the layer.
    const info = Object.freeze({ ...layer, shape: Object.freeze([...layer.shape]), inputShape: Object.freeze([...layer.inputShape]), outputShape: Object.freeze([...layer.outputShape]) });
    // Only a returned tensor is handed back through tidy: tidy walks arrays element by element, which is slow
    // for a Float32Array of a million weights.
    tf.tidy(() => {
      returned = init(info as LayerInfo, tools);
      return returned instanceof tf.Tensor ? returned : undefined;
    });
  } catch (error) {
    throw new LearnerError('threw', `${label}: your initializer threw ${describeThrown(error)}`, layer.index);
  }
  let values: Float32Array;
  if (returned instanceof tf.Tensor) {
    try {
      if (returned.dtype !== 'float32') {
        throw new LearnerError('dtype', `${label}: returned a tensor of dtype ${returned.dtype}; expected ${expected}`, layer.index);
      }
      if (!sameShape(returned.shape, layer.shape)) {
        throw new LearnerError('shape', `${label}: returned a tensor of shape [${returned.shape.join(', ')}]; expected [${layer.shape.join(', ')}]`, layer.index);
      }
      values = returned.dataSync() as Float32Array;
      // dataSync may hand out the backend's own buffer on some backends: copy before disposing.
      values = new Float32ArrayOf(values);
    } finally {
      returned.dispose();
    }
  } else if (returned instanceof Float32ArrayOf) {
    const length = float32Length(returned);
    if (length < 0) throw new LearnerError('dtype', `${label}: returned an object that only looks like a Float32Array (a Proxy?); expected ${expected}`, layer.index);
    if (length !== size) {
      throw new LearnerError('length', `${label}: returned a Float32Array of length ${length}; expected ${size} values (shape [${layer.shape.join(', ')}])`, layer.index);
    }
    values = returned;
  } else if (isArray(returned)) {
    values = arrayToFloat32(returned, layer, size, label);
  } else if (returned !== null && typeof returned === 'object' && typeof (returned as { then?: unknown }).then === 'function') {
    throw new LearnerError('async', `${label}: your initializer returned a Promise; it must return the weights directly (no async/await)`, layer.index);
  } else if (ArrayBuffer.isView(returned)) {
    throw new LearnerError('dtype', `${label}: returned a ${returned.constructor.name}; expected ${expected}`, layer.index);
  } else {
    throw new LearnerError('dtype', `${label}: returned ${describeValue(returned)}; expected ${expected}`, layer.index);
  }
  checkFinite(values, label, layer.index);
  return values;
}

/**
 * The grader's own check of one layer's weights as they arrive from the learner's realm (never trusted):
 * a Float32Array of this realm with exactly prod(shape) finite values. Returns a fresh copy, so nothing the
 * sender still holds can change what is graded. Throws LearnerError naming the layer.
 */
export function validateLayerWeights(values: unknown, layer: LayerInfo): Float32Array {
  const label = layerLabel(layer);
  const size = product(layer.shape);
  const length = float32Length(values);
  if (length < 0) {
    throw new LearnerError('dtype', `${label}: the weights that came back are ${describeValue(values)}, not a Float32Array`, layer.index);
  }
  if (length !== size) {
    throw new LearnerError('length', `${label}: ${length} weights came back; expected ${size} values (shape [${layer.shape.join(', ')}])`, layer.index);
  }
  const copy = new Float32ArrayOf(size);
  copy.set(values as Float32Array);
  checkFinite(copy, label, layer.index);
  return copy;
}

function arrayToFloat32(array: unknown[], layer: LayerInfo, size: number, label: string): Float32Array {
  if (array.length > 0 && isArray(array[0])) {
    throw new LearnerError('shape', `${label}: returned a nested array; return a flat array of ${size} numbers (row-major order of [${layer.shape.join(', ')}]) or a tensor`, layer.index);
  }
  if (array.length !== size) {
    throw new LearnerError('length', `${label}: returned an array of length ${array.length}; expected ${size} values (shape [${layer.shape.join(', ')}])`, layer.index);
  }
  const values = new Float32ArrayOf(size);
  for (let i = 0; i < size; i++) {
    const v = array[i];
    if (typeof v !== 'number') {
      throw new LearnerError('dtype', `${label}: entry ${i} of the returned array is ${describeValue(v)}; expected numbers only`, layer.index);
    }
    values[i] = v;
  }
  return values;
}

function checkFinite(values: Float32Array, label: string, index: number): void {
  let nan = 0, inf = 0, first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      if (Number.isNaN(v)) nan++;
      else inf++;
      if (first < 0) first = i;
    }
  }
  if (first >= 0) {
    const parts = [nan && `${nan} NaN`, inf && `${inf} ±Infinity`].filter(Boolean).join(' and ');
    throw new LearnerError('non-finite', `${label}: the weights contain ${parts} (first at entry ${first}); every weight must be a finite number`, index);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (did you forget `return`?)';
  if (value === null) return 'null';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `a string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `${describeValue(error)}`;
}

/**
 * Evaluates a learner's file, already compiled to CommonJS JavaScript, and returns its initializer
 * (`export default` or `export function init`). The only module it may require is '@tensorflow/tfjs-core'
 * (the same `tf` it gets in InitTools). Throws LearnerError('not-a-function' | 'threw') naming the file.
 */
export function evaluateInitializerModule(compiledJs: string, file: string, tf: typeof TF): LearnerInitializer {
  const module = { exports: {} as Record<string, unknown> };
  const require = (name: string): unknown => {
    if (name === '@tensorflow/tfjs-core' || name === '@tensorflow/tfjs') return tf;
    throw new Error(`cannot import "${name}" here: your file gets tf and random as the second argument of init`);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('exports', 'module', 'require', compiledJs)(module.exports, module, require);
  } catch (error) {
    throw new LearnerError('threw', `${file}: loading your file threw ${describeThrown(error)}`);
  }
  const exported = module.exports as { default?: unknown; init?: unknown };
  const init = typeof exported.default === 'function' ? exported.default : exported.init;
  if (typeof init !== 'function') {
    const found = Object.keys(exported).length ? `it exports ${Object.keys(exported).map((k) => `"${k}"`).join(', ')}` : 'it exports nothing';
    throw new LearnerError('not-a-function', `${file}: no initializer found (${found}); write \`export default function init(layer: LayerInfo, { tf, random }: InitTools): Weights { … }\``);
  }
  return init as LearnerInitializer;
}

/**
 * Training data as plain arrays. Pure TypeScript: the bytes of the shipped digits file are read by the
 * caller (Node: fs; browser: fetch of the bundled asset) and validated here.
 *
 * Digits: the UCI "Optical Recognition of Handwritten Digits" test set as shipped by scikit-learn
 * (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0): 1,797 images of 8×8 pixels with values 0..16, labels 0..9.
 * File layout (written by scripts/data/digits.ts): the 8 ASCII bytes "INITDIG1", the example count as a
 * little-endian uint32, the FNV-1a hash of the payload as a little-endian uint32, then per example 64 pixel
 * bytes and 1 label byte, in the original order.
 *
 * Spirals: a synthetic 2-D, 3-class dataset generated from a seed, so a decision boundary can be drawn.
 */
import { createRandom } from './random';

export interface Dataset {
  name: string;
  /** Shape of one example (no batch axis), e.g. [64] or [2]. */
  inputShape: number[];
  classes: number;
  /** Row-major inputs, standardized (see standardize); labels are class indices. */
  train: { x: Float32Array; y: Int32Array; count: number };
  heldOut: { x: Float32Array; y: Int32Array; count: number };
}

export const DIGITS_MAGIC = 'INITDIG1';
export const DIGITS_PIXELS = 64;
export const DIGITS_COUNT = 1797;
const HEADER_BYTES = 16;
const RECORD_BYTES = DIGITS_PIXELS + 1;

export class DatasetFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetFileError';
  }
}

/** 32-bit FNV-1a hash: detects a truncated, padded or altered payload. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The digits file's bytes from raw pixels (count × 64, values 0..16) and labels (0..9). */
export function encodeDigits(pixels: Uint8Array, labels: Uint8Array): Uint8Array {
  const count = labels.length;
  const out = new Uint8Array(HEADER_BYTES + count * RECORD_BYTES);
  for (let i = 0; i < DIGITS_MAGIC.length; i++) out[i] = DIGITS_MAGIC.charCodeAt(i);
  const payload = out.subarray(HEADER_BYTES);
  for (let n = 0; n < count; n++) {
    payload.set(pixels.subarray(n * DIGITS_PIXELS, (n + 1) * DIGITS_PIXELS), n * RECORD_BYTES);
    payload[n * RECORD_BYTES + DIGITS_PIXELS] = labels[n];
  }
  const view = new DataView(out.buffer);
  view.setUint32(8, count, true);
  view.setUint32(12, fnv1a(payload), true);
  return out;
}

/** Raw pixels and labels of a digits file; throws DatasetFileError naming `file` and what is wrong. */
export function decodeDigits(bytes: Uint8Array, file: string): { pixels: Uint8Array; labels: Uint8Array } {
  if (bytes.length < HEADER_BYTES) throw new DatasetFileError(file, `too short for a digits file (${bytes.length} bytes; the header alone is ${HEADER_BYTES})`);
  const magic = String.fromCharCode(...bytes.subarray(0, DIGITS_MAGIC.length));
  if (magic !== DIGITS_MAGIC) throw new DatasetFileError(file, `not a digits file (starts with ${JSON.stringify(magic)}, expected "${DIGITS_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  if (count !== DIGITS_COUNT) throw new DatasetFileError(file, `holds ${count} examples, expected ${DIGITS_COUNT}`);
  const expectedBytes = HEADER_BYTES + count * RECORD_BYTES;
  if (bytes.length !== expectedBytes) throw new DatasetFileError(file, `is ${bytes.length} bytes, expected ${expectedBytes} for ${count} examples (truncated or padded)`);
  const payload = bytes.subarray(HEADER_BYTES);
  const stored = view.getUint32(12, true);
  const actual = fnv1a(payload);
  if (stored !== actual) throw new DatasetFileError(file, `is corrupt: its checksum is ${hex(stored)} but the data hash to ${hex(actual)}`);
  const pixels = new Uint8Array(count * DIGITS_PIXELS);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const record = payload.subarray(n * RECORD_BYTES, (n + 1) * RECORD_BYTES);
    for (let p = 0; p < DIGITS_PIXELS; p++) {
      if (record[p] > 16) throw new DatasetFileError(file, `example ${n}, pixel ${p} is ${record[p]}, outside 0..16`);
    }
    if (record[DIGITS_PIXELS] > 9) throw new DatasetFileError(file, `example ${n} has label ${record[DIGITS_PIXELS]}, outside 0..9`);
    pixels.set(record.subarray(0, DIGITS_PIXELS), n * DIGITS_PIXELS);
    labels[n] = record[DIGITS_PIXELS];
  }
  return { pixels, labels };
}

/** The datasets the course ships: digits from a file, spirals generated in code. */
export type DatasetName = 'digits' | 'spirals';

/** A shipped data file's bytes and its path (named in every error about it). */
export interface DatasetFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * A dataset by name: digits parsed and validated from its file (DatasetFileError names the file), spirals
 * generated. Node reads the file, the page fetches it; the browser's grader worker gets it from the page.
 */
export function datasetFromFile(name: DatasetName, file: DatasetFile | undefined): Dataset {
  if (name === 'spirals') return spiralsDataset();
  if (!file) throw new Error(`the ${name} dataset's file was not loaded`);
  return digitsDataset(file.bytes, file.path);
}

/** The fixed split: every fifth example (index ≡ 4 mod 5) is held out, 359 of 1,797; the other 1,438 train. */
export function isHeldOut(index: number): boolean {
  return index % 5 === 4;
}

/** The digits as a Dataset: the fixed split, each pixel standardized with the training split's mean and std. */
export function digitsDataset(bytes: Uint8Array, file: string): Dataset {
  const { pixels, labels } = decodeDigits(bytes, file);
  const raw = Float32Array.from(pixels);
  return splitAndStandardize('digits 8×8', raw, labels, [DIGITS_PIXELS], 10, isHeldOut);
}

/**
 * Two-dimensional spirals: `classes` arms of `perClass` points each, r ∈ [0.05, 1], angle growing with r
 * (+ N(0, noise²) on the angle), as in CS231n's spiral example. Every fifth point of an arm is held out.
 */
export function spiralsDataset(options: { classes?: number; perClass?: number; noise?: number; seed?: number } = {}): Dataset {
  const classes = options.classes ?? 3;
  const perClass = options.perClass ?? 200;
  const noise = options.noise ?? 0.2;
  const random = createRandom(options.seed ?? 7);
  const count = classes * perClass;
  const x = new Float32Array(count * 2);
  const y = new Uint8Array(count);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      const n = c * perClass + i;
      const r = 0.05 + (0.95 * i) / (perClass - 1);
      const angle = (2 * Math.PI * c) / classes + 4 * r + noise * random.normal();
      x[2 * n] = r * Math.sin(angle);
      x[2 * n + 1] = r * Math.cos(angle);
      y[n] = c;
    }
  }
  return splitAndStandardize('spirals', x, y, [2], classes, (n) => (n % perClass) % 5 === 4);
}

function splitAndStandardize(
  name: string, raw: Float32Array, labels: Uint8Array, inputShape: number[], classes: number, heldOut: (index: number) => boolean,
): Dataset {
  const features = inputShape.reduce((a, b) => a * b, 1);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let n = 0; n < labels.length; n++) (heldOut(n) ? testIdx : trainIdx).push(n);
  const mean = new Float64Array(features);
  const sq = new Float64Array(features);
  for (const n of trainIdx) {
    for (let f = 0; f < features; f++) {
      const v = raw[n * features + f];
      mean[f] += v;
      sq[f] += v * v;
    }
  }
  const std = new Float64Array(features);
  for (let f = 0; f < features; f++) {
    mean[f] /= trainIdx.length;
    const variance = sq[f] / trainIdx.length - mean[f] * mean[f];
    // A pixel that is (nearly) constant over the training split is only centred, not blown up.
    std[f] = variance > 1e-6 ? Math.sqrt(variance) : 1;
  }
  const take = (indices: number[]) => {
    const x = new Float32Array(indices.length * features);
    const y = new Int32Array(indices.length);
    indices.forEach((n, row) => {
      for (let f = 0; f < features; f++) x[row * features + f] = (raw[n * features + f] - mean[f]) / std[f];
      y[row] = labels[n];
    });
    return { x, y, count: indices.length };
  };
  return { name, inputShape, classes, train: take(trainIdx), heldOut: take(testIdx) };
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

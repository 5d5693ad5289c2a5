/**
 * Seeded pseudo-random numbers for weights and data, in plain TypeScript (no TF.js, no DOM, no Node).
 * Pure math, no TF.js: lesson widgets may import this.
 *
 * Why not tf.randomNormal: TF.js draws its samples in JavaScript at ≈ 43 ns each, which is half of a
 * 50-layer forward pass. Here: xoshiro128** for the bits and a 128-layer ziggurat (Marsaglia & Tsang 2000)
 * for normals, ≈ 4 ns a sample in fillNormal (its fast path in WebAssembly where it can), reproducible from one integer.
 *
 * The ziggurat is exact: each layer's rectangle, the wedges (accepted against exp(−x²/2)) and the tail
 * beyond r = 3.4426 (Marsaglia's exponential method) together give N(0, 1). Following Doornik (2005), the
 * layer index, the sign and the 24-bit position inside the layer come from disjoint bits of one draw, so
 * they are independent (the original reused the same bits, which skews the distribution slightly).
 * x is a multiple of (layer width)/2^24, far finer than float32's 24-bit mantissa needs. The ≈ 2.8 % of draws
 * that miss their rectangle continue with bits from a second xoshiro stream (wedge tests, tail, redraws): the
 * two streams are independent, so the result is still exactly N(0, 1).
 */

import { NORMAL_KERNEL_WASM } from './normal-kernel-wasm';
import { instantiateKernel } from './wasm-kernel';

export interface Random {
  /** Uniform on [0, 1). */
  uniform01(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Fills `out` with N(mean, std²) samples and returns it. */
  fillNormal(out: Float32Array, mean?: number, std?: number): Float32Array;
  /** Fills `out` with U(low, high) samples and returns it. */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array;
  /** Fills `out` with N(mean, std²) truncated to mean ± 2·std (resampled, as TF.js truncatedNormal). */
  fillTruncatedNormal(out: Float32Array, mean?: number, std?: number): Float32Array;
  /** A new independent generator derived from this one (for per-layer streams). */
  fork(): Random;
}

const LAYERS = 128;
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_AREA = 9.91256303526217e-3;
const POSITION_SCALE = 2 ** 24;
const UINT32_TO_UNIT = 2.3283064365386963e-10; // 2^-32

/** k[i]: accept position j outright when j < k[i]; w[i]: layer i's width / 2^24; f[i] = exp(−x_i²/2). */
const { k: ZIG_K, w: ZIG_W, f: ZIG_F } = buildZigguratTables();
/**
 * ±w[i] indexed by the low 8 bits of a draw (bits 0–6 the layer, bit 7 the sign): the fast path needs no branch
 * on the sign, which a CPU mispredicts half of the time (it doubled the cost of a sample).
 */
const ZIG_W_SIGNED = Float64Array.from({ length: 2 * LAYERS }, (_, i) => (i & LAYERS ? -1 : 1) * ZIG_W[i & (LAYERS - 1)]);
/** ZIG_K as int32: the fast path compares two small integers and V8 keeps the whole loop in int32 registers. */
const ZIG_K_INT = Int32Array.from(ZIG_K);
/** ZIG_W_SIGNED × std for the current fillNormal call (one multiply less per sample). */
const scaledSignedWidths = new Float64Array(2 * LAYERS);
/** fillNormal works in chunks of this many values; the draws that missed their rectangle in a chunk wait here. */
const FILL_CHUNK = 4096;
const missedIndices = new Int32Array(FILL_CHUNK);
const missedDraws = new Int32Array(FILL_CHUNK);

function buildZigguratTables(): { k: Uint32Array; w: Float64Array; f: Float64Array } {
  const k = new Uint32Array(LAYERS);
  const w = new Float64Array(LAYERS);
  const f = new Float64Array(LAYERS);
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = ZIGGURAT_AREA / Math.exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * POSITION_SCALE);
  k[1] = 0;
  w[0] = q / POSITION_SCALE;
  w[LAYERS - 1] = dn / POSITION_SCALE;
  f[0] = 1;
  f[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIGGURAT_AREA / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * POSITION_SCALE);
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / POSITION_SCALE;
  }
  return { k, w, f };
}

/**
 * A generator's state: two xoshiro128** streams of four int32 words each, the main one at MAIN, the ziggurat's
 * slow path (wedges, tail, redraws) at SLOW. The main stream is exactly one draw per normal, so fillNormal can
 * finish the rare slow samples after its loop.
 *
 * The samplers below are plain module functions over this array rather than closures over each generator's
 * variables: every generator (the lab forks several per run) then runs the same optimized code with the same
 * call targets. As closures, their calls into the slow path differed per generator and V8 deoptimized on each
 * new target: with six generators in use, fillNormal took 5.9–9.2 ns a sample; now 4.4–5.5 (medians, 2.6 GHz EPYC).
 */
type State = Int32Array;
const MAIN = 0;
const SLOW = 4;

/** xoshiro128** (Blackman & Vigna): 32-bit state words, fast in JS, good statistical quality. */
export function createRandom(seed: number): Random {
  const state: State = new Int32Array(8);
  // splitmix32 to spread the seed over the state.
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  for (let i = 0; i < 8; i++) state[i] = splitmix();
  // The all-zero state is a fixed point.
  if ((state[MAIN] | state[MAIN + 1] | state[MAIN + 2] | state[MAIN + 3]) === 0) state[MAIN] = 1;
  if ((state[SLOW] | state[SLOW + 1] | state[SLOW + 2] | state[SLOW + 3]) === 0) state[SLOW] = 1;

  const normal = (): number => normalSlow(state, nextU32(state, MAIN));
  return {
    uniform01: () => (nextU32(state, MAIN) >>> 0) * UINT32_TO_UNIT,
    normal,
    fillNormal: (out, mean = 0, std = 1) => fillNormal(state, out, mean, std),
    fillUniform: (out, low, high) => fillUniform(state, out, low, high),
    fillTruncatedNormal(out, mean = 0, std = 1) {
      for (let i = 0; i < out.length; i++) {
        let z: number;
        do z = normal(); while (z > 2 || z < -2);
        out[i] = mean + std * z;
      }
      return out;
    },
    fork() {
      return createRandom(nextU32(state, MAIN) ^ Math.imul(nextU32(state, MAIN), 0x27d4eb2d));
    },
  };
}

/** The next 32-bit draw of the stream whose four words start at `at`, as an int32 (`>>> 0` reads it unsigned). */
function nextU32(state: State, at: number): number {
  const s0 = state[at], s1 = state[at + 1];
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  const s2 = state[at + 2] ^ s0;
  const s3 = state[at + 3] ^ s1;
  state[at] = s0 ^ s3;
  state[at + 1] = s1 ^ s2;
  state[at + 2] = s2 ^ t;
  state[at + 3] = (s3 << 11) | (s3 >>> 21);
  return result;
}

/** The ziggurat for a draw `u` (int32) of the main stream; when `u` misses its layer's rectangle (≈ 2.8 % of draws), the slow path. */
function normalSlow(state: State, u: number): number {
  for (;;) {
    const layer = u & 127;
    const position = u >>> 8;
    const negative = (u & 128) !== 0;
    if (position < ZIG_K[layer]) {
      const v = position * ZIG_W[layer];
      return negative ? -v : v;
    }
    if (layer === 0) {
      // The tail beyond r: Marsaglia's method, exact for N(0, 1) conditioned on |z| > r. Uniforms on (0, 1), never 0.
      let tx: number, ty: number;
      do {
        tx = -Math.log(((nextU32(state, SLOW) >>> 0) + 0.5) * UINT32_TO_UNIT) / ZIGGURAT_R;
        ty = -Math.log(((nextU32(state, SLOW) >>> 0) + 0.5) * UINT32_TO_UNIT);
      } while (ty + ty < tx * tx);
      return negative ? -(ZIGGURAT_R + tx) : ZIGGURAT_R + tx;
    }
    // A wedge: accept under the density, else draw again.
    const v = position * ZIG_W[layer];
    if (ZIG_F[layer] + (nextU32(state, SLOW) >>> 0) * UINT32_TO_UNIT * (ZIG_F[layer - 1] - ZIG_F[layer]) < Math.exp(-0.5 * v * v)) return negative ? -v : v;
    u = nextU32(state, SLOW);
  }
}

/** N(mean, std²) into `out`: the WebAssembly fast path where it compiled, else the JavaScript loop (the same values). */
function fillNormal(state: State, out: Float32Array, mean: number, std: number): Float32Array {
  const kernel = normalKernel();
  return kernel ? fillNormalWasm(kernel, state, out, mean, std) : fillNormalJs(state, out, mean, std);
}

/**
 * fillNormalJs: fillNormal is where the time goes (millions of weights): the generator and the ziggurat's fast path are
 * inlined on local copies of the state, and the loop makes no call: a draw that misses its rectangle is only
 * noted, and finished after the chunk (the slow path reads its own stream, so the order does not matter).
 * The state and the draw stay signed int32 (no `>>> 0`, which makes V8 fall back to float64 for values ≥ 2³¹),
 * and std is folded into the width table. The values are those of successive normal() calls:
 * position · (±wᵢ · std) equals std · (position · ±wᵢ) up to float64 rounding, far below float32's.
 */
function fillNormalJs(state: State, out: Float32Array, mean: number, std: number): Float32Array {
  const widths = scaledSignedWidths;
  for (let j = 0; j < widths.length; j++) widths[j] = ZIG_W_SIGNED[j] * std;
  const accept = ZIG_K_INT;
  const missedAt = missedIndices, missedDraw = missedDraws;
  let a = state[MAIN], b = state[MAIN + 1], c = state[MAIN + 2], d = state[MAIN + 3];
  const n = out.length;
  for (let start = 0; start < n; start += FILL_CHUNK) {
    const end = Math.min(n, start + FILL_CHUNK);
    let missed = 0;
    for (let i = start; i < end; i++) {
      const m = Math.imul(b, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9);
      const t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const position = u >>> 8;
      if (position < accept[u & 127]) {
        out[i] = mean + position * widths[u & 255];
      } else {
        missedAt[missed] = i;
        missedDraw[missed++] = u;
      }
    }
    for (let k = 0; k < missed; k++) out[missedAt[k]] = mean + std * normalSlow(state, missedDraw[k]);
  }
  state[MAIN] = a; state[MAIN + 1] = b; state[MAIN + 2] = c; state[MAIN + 3] = d;
  return out;
}

function fillUniform(state: State, out: Float32Array, low: number, high: number): Float32Array {
  const width = high - low;
  const highF = Math.fround(high);
  let a = state[MAIN], b = state[MAIN + 1], c = state[MAIN + 2], d = state[MAIN + 3];
  for (let i = 0; i < out.length; i++) {
    const m = Math.imul(b, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    out[i] = low + width * (u * UINT32_TO_UNIT);
    // Rounding to float32 can land exactly on `high`; keep the interval half-open.
    if (out[i] >= highF) out[i] = low;
  }
  state[MAIN] = a; state[MAIN + 1] = b; state[MAIN + 2] = c; state[MAIN + 3] = d;
  return out;
}

/**
 * fillNormal's fast path compiled from normal-kernel.wat: the same operations as fillNormalJs's loop, so the same
 * float32 values. V8 keeps the JavaScript loop's typed-array and number checks in every iteration: the fast path
 * alone takes ≈ 3.0 ns a value here against ≈ 4.4, and AlexNet's 62 M He-normal weights 264 ms of CPU against
 * 361 (medians, 2.6 GHz EPYC, load 3–4). The draws that missed their rectangle take the same JavaScript slow path.
 * Where WebAssembly is missing or may not compile, fillNormalJs runs.
 */
interface NormalKernel {
  fill(n: number, mean: number, outByte: number, missedByte: number): number;
  state: Int32Array;
  widths: Float64Array;
  chunk: Float32Array;
  missed: Int32Array;
}

// The kernel's memory (one 64 KiB page): state, widths × std, acceptance bounds, a chunk of values, the missed list.
const KERNEL_STATE_BYTE = 0, KERNEL_WIDTHS_BYTE = 1024, KERNEL_ACCEPT_BYTE = 3072, KERNEL_OUT_BYTE = 4096;
const KERNEL_MISSED_BYTE = KERNEL_OUT_BYTE + 4 * FILL_CHUNK;

let compiledNormalKernel: NormalKernel | null | undefined;

/** The compiled kernel, or null where WebAssembly is not available (or may not compile code). */
function normalKernel(): NormalKernel | null {
  if (compiledNormalKernel !== undefined) return compiledNormalKernel;
  const exports = instantiateKernel<{ memory: { buffer: ArrayBuffer }; fill: NormalKernel['fill'] }>(NORMAL_KERNEL_WASM);
  if (!exports) return (compiledNormalKernel = null);
  const buffer = exports.memory.buffer;
  new Int32Array(buffer, KERNEL_ACCEPT_BYTE, LAYERS).set(ZIG_K_INT);
  compiledNormalKernel = {
    fill: exports.fill,
    state: new Int32Array(buffer, KERNEL_STATE_BYTE, 4),
    widths: new Float64Array(buffer, KERNEL_WIDTHS_BYTE, 2 * LAYERS),
    chunk: new Float32Array(buffer, KERNEL_OUT_BYTE, FILL_CHUNK),
    missed: new Int32Array(buffer, KERNEL_MISSED_BYTE, 2 * FILL_CHUNK),
  };
  return compiledNormalKernel;
}

function fillNormalWasm(kernel: NormalKernel, state: State, out: Float32Array, mean: number, std: number): Float32Array {
  const { widths, chunk, missed } = kernel;
  for (let j = 0; j < widths.length; j++) widths[j] = ZIG_W_SIGNED[j] * std;
  kernel.state.set(state.subarray(MAIN, MAIN + 4));
  const n = out.length;
  for (let start = 0; start < n; start += FILL_CHUNK) {
    const length = Math.min(FILL_CHUNK, n - start);
    const count = kernel.fill(length, mean, KERNEL_OUT_BYTE, KERNEL_MISSED_BYTE);
    out.set(length === FILL_CHUNK ? chunk : chunk.subarray(0, length), start);
    for (let k = 0; k < count; k++) out[start + missed[2 * k]] = mean + std * normalSlow(state, missed[2 * k + 1]);
  }
  state.set(kernel.state, MAIN);
  return out;
}

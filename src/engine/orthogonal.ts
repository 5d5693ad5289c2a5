/**
 * Random orthogonal matrices (the learner's `random.orthogonal` and the built-in 'orthogonal' initializer).
 */
import { ORTHOGONAL_KERNEL_WASM } from './orthogonal-kernel-wasm';
import type { Random } from './random';
import { instantiateKernel } from './wasm-kernel';

/**
 * A Haar-distributed (uniformly random) orthogonal matrix times `gain`, as Keras' Orthogonal initializer
 * draws it: the kernel is seen as a [rows, cols] matrix with cols = shape[last] and rows = the product of
 * the rest; when rows ≥ cols its columns are orthonormal (WᵀW = gain²·I), otherwise its rows (WWᵀ = gain²·I).
 *
 * Keras takes Q of the QR decomposition of a Gaussian matrix and flips each column by the sign of R's
 * diagonal (without the flip Q is not Haar). Householder QR makes reflector j from the j-th column of the
 * partly reduced matrix, which is again Gaussian (of length n − j) and independent of the earlier ones,
 * so Q = H₁·H₂·…·H_k·diag(s) can be drawn directly (Stewart 1980), with s_j = sign(R_jj) = −sign(x_j[0]):
 * R itself is never formed. Q is accumulated backwards (H_k first), where H_j touches only rows ≥ j and
 * columns ≥ j: ⅔·n³ multiply-adds for a square n × n, the least a dense Haar sample takes. Reflectors are
 * applied four at a time as one block reflector I − V·T·Vᵀ (compact WY, LAPACK's dlarft).
 *
 * That block step is all of the O(n³) work; it runs in WebAssembly SIMD (orthogonal-kernel.wat), four float32
 * rows per instruction, ≈ 3× faster than the best scalar JavaScript version (float64). Float32 is PyTorch's
 * precision too (torch.nn.init.orthogonal_ factors a float32 matrix): the columns come out orthonormal to
 * ≈ 1e-6, the rounding of float32 weights. Where WebAssembly SIMD is missing the same block step runs in
 * JavaScript on the same float32 arrays.
 */
export function sampleOrthogonal(shape: readonly number[], gain: number, random: Random, out?: Float32Array): Float32Array {
  const cols = shape[shape.length - 1] ?? 1;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const transposed = rows < cols;
  const n = transposed ? cols : rows; // length of each orthonormal vector
  const k = transposed ? rows : cols; // how many of them
  const result = out ?? new Float32Array(rows * cols);
  if (result.length !== rows * cols) throw new Error(`sampleOrthogonal: out has ${result.length} values, shape [${shape.join(', ')}] needs ${rows * cols}`);
  if (n === 0 || k === 0) return result;

  // Column-major, each column padded to `stride` (a multiple of 4) rows with zeros: Q's column c at q[c·stride …],
  // Q starting as [diag(s); 0]; reflector j's v_j at vectors[j·stride + j …] (zeros above row j), H_j = I − τ_j v_j v_jᵀ.
  const stride = (n + 3) & ~3;
  const { q, vectors, applyBlock } = workspace(stride, k);
  const tau = new Float64Array(k + BLOCK);
  // fillNormal draws the Gaussian vectors ≈ 5× faster than a normal() call per value; its float32 values are the
  // ziggurat's own rounded by at most 2⁻²⁴ relative: as fine as the ziggurat's grid and the float32 weights returned.
  const gaussians = new Float32Array(n);
  for (let j = 0; j < k; j++) {
    const v = vectors.subarray(j * stride + j, j * stride + n);
    const x = random.fillNormal(gaussians.subarray(0, n - j));
    let norm2 = 0;
    for (let i = 0; i < x.length; i++) norm2 += x[i] * x[i];
    v.set(x);
    const sign = x[0] >= 0 ? 1 : -1;
    // v = x + sign(x₀)‖x‖e₀ maps x to −sign(x₀)‖x‖e₀. τ comes from the stored (float32) v, so H_j is a reflection.
    v[0] = x[0] + sign * Math.sqrt(norm2);
    const vNorm2 = norm2 - x[0] * x[0] + v[0] * v[0];
    tau[j] = vNorm2 > 0 ? 2 / vNorm2 : 0;
    q[j * stride + j] = -sign;
  }

  // The first block (H_{k−1} and below) is the short one when 4 does not divide k: its missing reflectors have
  // τ = 0 and zero vectors (the workspace holds BLOCK − 1 of them past the last), so every block is a full one.
  for (let j = k - 1 - ((k - 1) % BLOCK); j >= 0; j -= BLOCK) {
    const gram = (a: number, b: number): number => {
      const va = (j + a) * stride, vb = (j + b) * stride;
      let s = 0;
      for (let r = j + b; r < n; r++) s += vectors[va + r] * vectors[vb + r];
      return s;
    };
    const g01 = gram(0, 1), g02 = gram(0, 2), g03 = gram(0, 3), g12 = gram(1, 2), g13 = gram(1, 3), g23 = gram(2, 3);
    // T (upper triangular): T_ii = τ_i, T[0:i, i] = −τ_i · T[0:i, 0:i] · V[:, 0:i]ᵀ · v_i.
    const t00 = tau[j], t11 = tau[j + 1], t22 = tau[j + 2], t33 = tau[j + 3];
    const t01 = -t11 * t00 * g01;
    const t02 = -t22 * (t00 * g02 + t01 * g12);
    const t12 = -t22 * t11 * g12;
    const t03 = -t33 * (t00 * g03 + t01 * g13 + t02 * g23);
    const t13 = -t33 * (t11 * g13 + t12 * g23);
    const t23 = -t33 * t22 * g23;
    applyBlock(j, [t00, t01, t02, t03, t11, t12, t13, t22, t23, t33]);
  }

  for (let c = 0; c < k; c++) {
    const column = c * stride;
    for (let r = 0; r < n; r++) {
      // Not transposed: vector c is column c of [rows, cols]; transposed: it is row c.
      if (transposed) result[c * cols + r] = gain * q[column + r];
      else result[r * cols + c] = gain * q[column + r];
    }
  }
  return result;
}

const BLOCK = 4;

/** T's upper triangle, row by row: t00 t01 t02 t03 t11 t12 t13 t22 t23 t33. */
type BlockFactor = [number, number, number, number, number, number, number, number, number, number];

/** Q ← (I − V·T·Vᵀ)·Q on columns [j, k), V = reflectors j … j + 3: the kernel's job, in WebAssembly or JavaScript. */
type ApplyBlock = (j: number, t: BlockFactor) => void;

interface Workspace {
  q: Float32Array;
  vectors: Float32Array;
  applyBlock: ApplyBlock;
}

/** The WebAssembly kernel's memory holds at most this much (a larger draw takes arrays of its own and the JS step). */
const WASM_WORKSPACE_LIMIT_BYTES = 256 * 1024 ** 2;
const WASM_PAGE_BYTES = 65536;

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  applyBlock(q: number, v: number, strideBytes: number, end: number, j: number, fromBytes: number, ...t: BlockFactor): void;
}

let kernel: KernelExports | null | undefined;

/** The compiled kernel, or null where WebAssembly (with SIMD) is not available. */
function wasmKernel(): KernelExports | null {
  if (kernel === undefined) kernel = instantiateKernel<KernelExports>(ORTHOGONAL_KERNEL_WASM);
  return kernel;
}

/** Zeroed arrays for Q (k columns) and the reflectors (k + BLOCK − 1), in the kernel's memory when they fit there. */
function workspace(stride: number, k: number): Workspace {
  const qLength = k * stride;
  const vectorsLength = (k + BLOCK - 1) * stride;
  const bytes = (qLength + vectorsLength) * 4;
  const wasm = bytes <= WASM_WORKSPACE_LIMIT_BYTES ? wasmKernel() : null;
  if (!wasm) {
    const q = new Float32Array(qLength);
    const vectors = new Float32Array(vectorsLength);
    return { q, vectors, applyBlock: (j, t) => applyBlockJs(q, vectors, stride, k, j, t) };
  }
  const missing = bytes - wasm.memory.buffer.byteLength;
  if (missing > 0) wasm.memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  const q = new Float32Array(wasm.memory.buffer, 0, qLength).fill(0);
  const vectors = new Float32Array(wasm.memory.buffer, qLength * 4, vectorsLength).fill(0);
  return {
    q,
    vectors,
    applyBlock: (j, t) => wasm.applyBlock(0, qLength * 4, stride * 4, k, j, (j & ~3) * 4, ...t),
  };
}

/** The kernel's arithmetic in JavaScript, one column at a time (float64 sums of the float32 arrays). */
function applyBlockJs(q: Float32Array, vectors: Float32Array, stride: number, k: number, j: number, t: BlockFactor): void {
  const [t00, t01, t02, t03, t11, t12, t13, t22, t23, t33] = t;
  const v0 = j * stride, v1 = v0 + stride, v2 = v1 + stride, v3 = v2 + stride;
  for (let c = j; c < k; c++) {
    const a = c * stride;
    let w0 = 0, w1 = 0, w2 = 0, w3 = 0;
    for (let r = j; r < stride; r++) {
      const x = q[a + r];
      w0 += vectors[v0 + r] * x; w1 += vectors[v1 + r] * x; w2 += vectors[v2 + r] * x; w3 += vectors[v3 + r] * x;
    }
    const u0 = t00 * w0 + t01 * w1 + t02 * w2 + t03 * w3, u1 = t11 * w1 + t12 * w2 + t13 * w3, u2 = t22 * w2 + t23 * w3, u3 = t33 * w3;
    for (let r = j; r < stride; r++) q[a + r] -= vectors[v0 + r] * u0 + vectors[v1 + r] * u1 + vectors[v2 + r] * u2 + vectors[v3 + r] * u3;
  }
}

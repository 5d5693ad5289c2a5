/**
 * Random orthogonal matrices (the learner's `random.orthogonal` and the built-in 'orthogonal' initializer).
 */
import type { Random } from './random';

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
 * applied four at a time as one block reflector I − V·T·Vᵀ (compact WY, LAPACK's dlarft), to three column-major
 * Float64 columns at a time that stay in the L1 cache, so each column is read once per four reflectors.
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

  // Reflector j: v_j (length n − j, stored at vectors[j·n + j …], zeros above) and τ_j, H_j = I − τ_j v_j v_jᵀ on
  // rows ≥ j. Q, column-major: column c at q[c·n … c·n + n). Starts as [diag(s); 0].
  const workspace = n * k <= ORTHOGONAL_WORKSPACE ? orthogonalWorkspace() : undefined;
  const vectors = workspace ? workspace.vectors.fill(0, 0, k * n) : new Float64Array(k * n);
  const q = workspace ? workspace.q.fill(0, 0, k * n) : new Float64Array(k * n);
  const applyBlockOfFour = workspace ? workspace.applyBlockOfFour : blockOfFourKernel(q, vectors);
  const tau = new Float64Array(k);
  // fillNormal draws the Gaussian vectors ≈ 5× faster than a normal() call per value (≈ 6 % of the whole time at
  // 512 × 512). Its float32 values are the ziggurat's own, rounded by at most 2⁻²⁴ relative: as fine as the
  // ziggurat's grid (24-bit positions) and the float32 weights this returns.
  const gaussians = new Float32Array(n);
  for (let j = 0; j < k; j++) {
    const v = vectors.subarray(j * n + j, j * n + n);
    const x = random.fillNormal(gaussians.subarray(0, n - j));
    let norm2 = 0;
    for (let i = 0; i < v.length; i++) {
      const z = x[i];
      v[i] = z;
      norm2 += z * z;
    }
    const sign = v[0] >= 0 ? 1 : -1;
    const alpha = sign * Math.sqrt(norm2);
    // v = x + sign(x₀)‖x‖e₀ maps x to −sign(x₀)‖x‖e₀; ‖v‖² = 2‖x‖² + 2|x₀|‖x‖.
    const vNorm2 = 2 * norm2 + 2 * alpha * v[0];
    v[0] += alpha;
    tau[j] = vNorm2 > 0 ? 2 / vNorm2 : 0;
    q[j * n + j] = -sign;
  }

  const BLOCK = 4;
  let j = k;
  while (j > 0) {
    const size = Math.min(BLOCK, j);
    j -= size;
    if (size === BLOCK) applyBlockOfFour(tau, n, k, j);
    else for (let t = j + size - 1; t >= j; t--) applyReflector(q, vectors, tau[t], n, k, t);
  }

  for (let c = 0; c < k; c++) {
    const column = c * n;
    for (let r = 0; r < n; r++) {
      // Not transposed: vector c is column c of [rows, cols]; transposed: it is row c.
      if (transposed) result[c * cols + r] = gain * q[column + r];
      else result[r * cols + c] = gain * q[column + r];
    }
  }
  return result;
}

/** Q ← H_t·Q on rows ≥ t of columns ≥ t (the other columns are still unit vectors there). */
function applyReflector(q: Float64Array, vectors: Float64Array, tau: number, n: number, k: number, t: number): void {
  const v = t * n;
  for (let c = t; c < k; c++) {
    const column = c * n;
    let dot = 0;
    for (let r = t; r < n; r++) dot += vectors[v + r] * q[column + r];
    const scaled = tau * dot;
    for (let r = t; r < n; r++) q[column + r] -= scaled * vectors[v + r];
  }
}

/**
 * Q ← H_j·H_{j+1}·H_{j+2}·H_{j+3}·Q = (I − V·T·Vᵀ)·Q on rows ≥ j of columns ≥ j, with V = [v_j … v_{j+3}]
 * (each v_i zero above row i, as stored) and T the upper triangular 4 × 4 factor: T_ii = τ_i and
 * T[0:i, i] = −τ_i · T[0:i, 0:i] · V[:, 0:i]ᵀ · v_i. The kernel is bound to its arrays (see the workspace below).
 */
function blockOfFourKernel(q: Float64Array, vectors: Float64Array): (tau: Float64Array, n: number, k: number, j: number) => void {
  return (tau, n, k, j) => {
    const v0 = j * n, v1 = (j + 1) * n, v2 = (j + 2) * n, v3 = (j + 3) * n;
    // Gram entries g_ab = v_aᵀ v_b (a < b): v_a's entries above row b do not meet v_b's zeros.
    const dot = (a: number, b: number, from: number): number => {
      let s = 0;
      for (let r = from; r < n; r++) s += vectors[a + r] * vectors[b + r];
      return s;
    };
    const g01 = dot(v0, v1, j + 1), g02 = dot(v0, v2, j + 2), g03 = dot(v0, v3, j + 3);
    const g12 = dot(v1, v2, j + 2), g13 = dot(v1, v3, j + 3), g23 = dot(v2, v3, j + 3);
    const t00 = tau[j], t11 = tau[j + 1], t22 = tau[j + 2], t33 = tau[j + 3];
    const t01 = -t11 * t00 * g01;
    const t02 = -t22 * (t00 * g02 + t01 * g12);
    const t12 = -t22 * t11 * g12;
    const t03 = -t33 * (t00 * g03 + t01 * g13 + t02 * g23);
    const t13 = -t33 * (t11 * g13 + t12 * g23);
    const t23 = -t33 * t22 * g23;
    // Three columns at a time: each v entry loaded serves all three, and the loop keeps few values alive, so V8
    // holds the twelve sums in registers (≈ 1.2–1.4× faster than two columns; more columns spill them to the stack).
    let c = j;
    for (; c + 2 < k; c += 3) {
      const a = c * n, b = a + n, d = b + n;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      // w = Vᵀ·q_c (v_i is zero above row i, so every vector can start at row j).
      for (let r = j; r < n; r++) {
        const x = q[a + r], y = q[b + r], z = q[d + r];
        let e = vectors[v0 + r]; a0 += e * x; b0 += e * y; d0 += e * z;
        e = vectors[v1 + r]; a1 += e * x; b1 += e * y; d1 += e * z;
        e = vectors[v2 + r]; a2 += e * x; b2 += e * y; d2 += e * z;
        e = vectors[v3 + r]; a3 += e * x; b3 += e * y; d3 += e * z;
      }
      // u = T·w, then q_c −= V·u.
      const ua0 = t00 * a0 + t01 * a1 + t02 * a2 + t03 * a3, ua1 = t11 * a1 + t12 * a2 + t13 * a3, ua2 = t22 * a2 + t23 * a3, ua3 = t33 * a3;
      const ub0 = t00 * b0 + t01 * b1 + t02 * b2 + t03 * b3, ub1 = t11 * b1 + t12 * b2 + t13 * b3, ub2 = t22 * b2 + t23 * b3, ub3 = t33 * b3;
      const ud0 = t00 * d0 + t01 * d1 + t02 * d2 + t03 * d3, ud1 = t11 * d1 + t12 * d2 + t13 * d3, ud2 = t22 * d2 + t23 * d3, ud3 = t33 * d3;
      for (let r = j; r < n; r++) {
        const e0 = vectors[v0 + r], e1 = vectors[v1 + r], e2 = vectors[v2 + r], e3 = vectors[v3 + r];
        q[a + r] -= e0 * ua0 + e1 * ua1 + e2 * ua2 + e3 * ua3;
        q[b + r] -= e0 * ub0 + e1 * ub1 + e2 * ub2 + e3 * ub3;
        q[d + r] -= e0 * ud0 + e1 * ud1 + e2 * ud2 + e3 * ud3;
      }
    }
    for (; c < k; c++) {
      const a = c * n;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let r = j; r < n; r++) {
        const x = q[a + r];
        a0 += vectors[v0 + r] * x; a1 += vectors[v1 + r] * x; a2 += vectors[v2 + r] * x; a3 += vectors[v3 + r] * x;
      }
      const u0 = t00 * a0 + t01 * a1 + t02 * a2 + t03 * a3, u1 = t11 * a1 + t12 * a2 + t13 * a3, u2 = t22 * a2 + t23 * a3, u3 = t33 * a3;
      for (let r = j; r < n; r++) q[a + r] -= vectors[v0 + r] * u0 + vectors[v1 + r] * u1 + vectors[v2 + r] * u2 + vectors[v3 + r] * u3;
    }

  };
}

/**
 * sampleOrthogonal's Q and reflectors live in these two arrays when they fit (up to 512 × 512): a kernel bound once (at
 * the first draw, so a page that never draws one does not hold 4 MB) to these arrays runs ≈ 1.35× faster in V8 than the same kernel on arrays passed in (Node, bundled or not),
 * because TurboFan embeds the arrays in the kernel's code instead of reloading and re-checking them for every element.
 * Larger matrices get arrays and a kernel of their own.
 */
const ORTHOGONAL_WORKSPACE = 512 * 512;
let workspace: { q: Float64Array; vectors: Float64Array; applyBlockOfFour: ReturnType<typeof blockOfFourKernel> } | undefined;
function orthogonalWorkspace(): NonNullable<typeof workspace> {
  if (!workspace) {
    const q = new Float64Array(ORTHOGONAL_WORKSPACE);
    const vectors = new Float64Array(ORTHOGONAL_WORKSPACE);
    workspace = { q, vectors, applyBlockOfFour: blockOfFourKernel(q, vectors) };
  }
  return workspace;
}

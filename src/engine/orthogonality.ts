/**
 * How far a weight matrix is from gain × an orthogonal one, cheaply: an orthogonal W (seen as [rows, cols]
 * as Keras sees a kernel) keeps the length of every vector on its orthonormal side, ‖W·v‖ = gain·‖v‖, while
 * a Gaussian W changes it by a random factor whose relative spread is ≈ 1/√(2n) (3 % at n = 512). Two fixed
 * probe vectors cost 2·rows·cols multiply-adds, instead of the rows·cols² of WᵀW. Pure math.
 */
import { createRandom } from './random';

/**
 * Weights whose defect is above this are not orthogonal. random.orthogonal in float32 stays below 1e-5; a Gaussian
 * matrix with m rows passes one probe with probability ≈ 2·1e-4·√(m/π) (0.18 % at m = 256), both ≈ 3·1e-6.
 */
export const ORTHOGONALITY_TOLERANCE = 1e-4;

/** Above this many weights the defect is not measured (NaN): two probes of AlexNet's fc6 would cost ≈ 75 M multiply-adds. */
export const ORTHOGONALITY_MAX_WEIGHTS = 1 << 20;
const PROBES = 2;

/**
 * max over the probes of |‖W·v‖ / (ĝ·‖v‖) − 1|, with ĝ² = Σw² / (number of orthonormal vectors) the gain an
 * orthogonal W would have. ≈ 1e-7 for random.orthogonal in float32, a few percent for Gaussian weights.
 */
export function orthogonalityDefect(values: Float32Array, shape: readonly number[]): number {
  if (values.length > ORTHOGONALITY_MAX_WEIGHTS || shape.length < 2) return NaN;
  const cols = shape[shape.length - 1];
  const rows = values.length / cols;
  const byRows = rows < cols; // then the rows are orthonormal: probe Wᵀ·u
  const k = byRows ? rows : cols; // number of orthonormal vectors, and the probe's length
  const m = byRows ? cols : rows;
  const gainSquared = sumOfSquares(values) / k;
  if (!(gainSquared > 0) || !Number.isFinite(gainSquared)) return NaN;
  const random = createRandom(0x0a7e);
  const probe = new Float64Array(k);
  const image = new Float64Array(m);
  let worst = 0;
  for (let p = 0; p < PROBES; p++) {
    let probeNorm = 0;
    for (let j = 0; j < k; j++) {
      probe[j] = random.normal();
      probeNorm += probe[j] * probe[j];
    }
    image.fill(0);
    if (byRows) {
      for (let r = 0; r < rows; r++) {
        const u = probe[r], offset = r * cols;
        for (let c = 0; c < cols; c++) image[c] += u * values[offset + c];
      }
    } else {
      for (let r = 0; r < rows; r++) image[r] = rowDotProbe(values, r * cols, probe, cols);
    }
    let imageNorm = 0;
    for (let i = 0; i < m; i++) imageNorm += image[i] * image[i];
    worst = Math.max(worst, Math.abs(Math.sqrt(imageNorm / (gainSquared * probeNorm)) - 1));
  }
  return worst;
}

// Both sums below run in four running sums: one sum waits ≈ 4 cycles for each add, four keep the adder busy (with
// one, the defect of a 512 × 512 layer took ≈ 1.5 ms, half of its weight summary).

function sumOfSquares(values: Float32Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = values.length;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    const a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3];
    s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d;
  }
  for (let i = n4; i < n; i++) s0 += values[i] * values[i];
  return (s0 + s1) + (s2 + s3);
}

/** Σ values[offset + c]·probe[c] for c < cols. */
function rowDotProbe(values: Float32Array, offset: number, probe: Float64Array, cols: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const c4 = cols - (cols % 4);
  for (let c = 0; c < c4; c += 4) {
    s0 += values[offset + c] * probe[c];
    s1 += values[offset + c + 1] * probe[c + 1];
    s2 += values[offset + c + 2] * probe[c + 2];
    s3 += values[offset + c + 3] * probe[c + 3];
  }
  for (let c = c4; c < cols; c++) s0 += values[offset + c] * probe[c];
  return (s0 + s1) + (s2 + s3);
}

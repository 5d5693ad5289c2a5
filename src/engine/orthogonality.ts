/**
 * How far a weight matrix is from gain × an orthogonal one, cheaply: an orthogonal W (seen as [rows, cols]
 * as Keras sees a kernel) keeps the length of every vector on its orthonormal side, ‖W·v‖ = gain·‖v‖, while
 * a Gaussian W changes it by a random factor whose relative spread is ≈ 1/√(2n) (3 % at n = 512). Two fixed
 * probe vectors cost 2·rows·cols multiply-adds, instead of the rows·cols² of WᵀW. Pure math.
 */
import { createRandom } from './random';

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
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  const gainSquared = squares / k;
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
      for (let r = 0; r < rows; r++) {
        const offset = r * cols;
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += values[offset + c] * probe[c];
        image[r] = sum;
      }
    }
    let imageNorm = 0;
    for (let i = 0; i < m; i++) imageNorm += image[i] * image[i];
    worst = Math.max(worst, Math.abs(Math.sqrt(imageNorm / (gainSquared * probeNorm)) - 1));
  }
  return worst;
}

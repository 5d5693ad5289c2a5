/**
 * random.orthogonal: orthonormal to float32 precision for every shape Keras' rule allows, and Haar
 * distributed (checked against moments of the Haar measure on O(n) that owe nothing to the algorithm:
 * Diaconis–Shahshahani's E[tr Q] = 0, E[(tr Q)²] = 1, and Q₁₁² ~ Beta(½, (n−1)/2)).
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/engine/random';
import { sampleOrthogonal } from '../../src/engine/orthogonal';
import { learnerRandom } from '../../src/engine/learner-api';

/** max |GᵢⱼG − gain²·δᵢⱼ| over the Gram matrix of the orthonormal side, in float64. */
function gramError(w: Float32Array, rows: number, cols: number, gain: number): number {
  const byRows = rows < cols;
  const k = byRows ? rows : cols;
  const m = byRows ? cols : rows;
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += byRows ? w[a * cols + i] * w[b * cols + i] : w[i * cols + a] * w[i * cols + b];
      worst = Math.max(worst, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('random.orthogonal', () => {
  it.each([
    [[64, 64], 1], [[96, 40], 1.5], [[40, 96], Math.SQRT2], [[3, 3, 8, 16], 2], [[1, 1], 1], [[5, 4], 1], [[4, 5], 1],
  ])('shape %j gain %d: WᵀW (or WWᵀ) = gain²·I to float32 precision', (shape, gain) => {
    const w = learnerRandom(createRandom(11)).orthogonal(shape as number[], gain as number);
    const cols = (shape as number[])[(shape as number[]).length - 1];
    const rows = w.length / cols;
    expect(w.length).toBe((shape as number[]).reduce((a, b) => a * b, 1));
    // Float32 rounding of entries of size 1/√n leaves errors of ≈ 1e-7 per product; sums over n stay below 1e-5.
    expect(gramError(w, rows, cols, gain as number)).toBeLessThan(1e-5 * (gain as number) ** 2);
  });

  it('is Haar: E[tr Q] = 0, E[(tr Q)²] = 1, E[Q₁₁²] = 1/n, E[Q₁₁⁴] = 3/(n(n+2)), no sign bias, over 20 000 draws of 4 × 4', () => {
    const n = 4, draws = 20_000;
    const random = createRandom(5);
    let tr = 0, tr2 = 0, q2 = 0, q4 = 0, q11 = 0, last = 0;
    for (let d = 0; d < draws; d++) {
      const q = sampleOrthogonal([n, n], 1, random);
      const t = q[0] + q[5] + q[10] + q[15];
      tr += t; tr2 += t * t;
      q11 += q[0]; q2 += q[0] ** 2; q4 += q[0] ** 4;
      last += q[15];
    }
    // Standard errors: Var(tr Q) = 1 → 1/√N; Var((tr Q)²) = E[tr⁴] − 1 = 2 (n ≥ 4) → √(2/N); Var(Q₁₁) = 1/n.
    const se = 1 / Math.sqrt(draws);
    expect(Math.abs(tr / draws)).toBeLessThan(5 * se);
    expect(Math.abs(tr2 / draws - 1)).toBeLessThan(5 * Math.sqrt(2) * se);
    // Without the sign correction Q₁₁ = −sign(x₁)|x₁|/‖x‖ would be ≤ 0 always: its mean would be ≈ −0.43.
    expect(Math.abs(q11 / draws)).toBeLessThan(5 * se / 2);
    expect(Math.abs(last / draws)).toBeLessThan(5 * se / 2);
    // Q₁₁² ~ Beta(½, (n−1)/2): mean 1/n, E[Q₁₁⁴] = 3/(n(n+2)); Var(Q₁₁²) = 3/(n(n+2)) − 1/n² = 1/16 for n = 4 → sd 0.25.
    expect(Math.abs(q2 / draws - 1 / n)).toBeLessThan(5 * 0.25 * se);
    expect(Math.abs(q4 / draws - 3 / (n * (n + 2)))).toBeLessThan(0.01);
  });

  // The reflectors are applied four at a time on three columns at a time: these sizes leave every kind of edge
  // (1–3 reflectors left over, 1–2 columns left over, fewer vectors than a block, tall and wide).
  // 512 × 512 fills the reused workspace exactly; 700 × 400 is too large for it and takes arrays of its own.
  it.each([[[1, 1]], [[3, 3]], [[7, 7]], [[13, 13]], [[65, 9]], [[9, 65]], [[2, 130]], [[512, 512]], [[700, 400]]])('shape %j at block edges: orthonormal', (shape) => {
    const [rows, cols] = shape;
    const w = sampleOrthogonal(shape, 1, createRandom(rows * 1000 + cols));
    expect(gramError(w, rows, cols, 1)).toBeLessThan(1e-5);
  });

  it('is Haar at 7 × 7 (a block of four, three single reflectors, a column left over): E[Qᵢⱼ²] = 1/n for every entry, E[tr Q] = 0', () => {
    const n = 7, draws = 8_000;
    const random = createRandom(9);
    const sum2 = new Float64Array(n * n);
    let tr = 0, tr2 = 0;
    for (let d = 0; d < draws; d++) {
      const q = sampleOrthogonal([n, n], 1, random);
      let t = 0;
      for (let i = 0; i < n * n; i++) sum2[i] += q[i] ** 2;
      for (let i = 0; i < n; i++) t += q[i * n + i];
      tr += t; tr2 += t * t;
    }
    // Every Qᵢⱼ² ~ Beta(½, (n−1)/2): mean 1/n, variance 3/(n(n+2)) − 1/n² (invariance of the Haar measure under
    // permutations and sign flips: no entry is special). 49 entries at 5 standard errors: a false alarm ≈ 3e-5.
    const se2 = Math.sqrt((3 / (n * (n + 2)) - 1 / n ** 2) / draws);
    for (let i = 0; i < n * n; i++) expect(Math.abs(sum2[i] / draws - 1 / n), `entry ${i}`).toBeLessThan(5 * se2);
    const se = 1 / Math.sqrt(draws);
    expect(Math.abs(tr / draws)).toBeLessThan(5 * se);
    expect(Math.abs(tr2 / draws - 1)).toBeLessThan(5 * Math.sqrt(2) * se);
  });

  it('differs between seeds and repeats for one seed, whatever was drawn before it', () => {
    const a = sampleOrthogonal([8, 8], 1, createRandom(1));
    expect(sampleOrthogonal([8, 8], 1, createRandom(1))).toEqual(a);
    sampleOrthogonal([512, 512], 1, createRandom(4)); // leaves the workspace full of another matrix
    expect(sampleOrthogonal([8, 8], 1, createRandom(1))).toEqual(a);
    expect(sampleOrthogonal([8, 8], 1, createRandom(2))).not.toEqual(a);
  });

  it('rejects a shape of one dimension and a non-finite gain with a message', () => {
    const random = learnerRandom(createRandom(1));
    expect(() => random.orthogonal([512])).toThrow(/at least 2 dimensions/);
    expect(() => random.orthogonal([4, 4], Number.NaN)).toThrow(/gain must be a finite number/);
  });
});

describe('orthogonalityDefect', () => {
  it('is at float32 rounding for orthogonal weights and a few percent for Gaussian ones of the same std', async () => {
    const { orthogonalityDefect, ORTHOGONALITY_TOLERANCE } = await import('../../src/engine/orthogonality');
    const random = createRandom(3);
    for (const shape of [[512, 512], [300, 100], [100, 300], [3, 3, 16, 32]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      expect(orthogonalityDefect(sampleOrthogonal(shape, Math.SQRT2, random), shape)).toBeLessThan(1e-5);
      // ‖Wv‖²/‖v‖² for Gaussian W is χ²_m/m-like: relative spread ≈ 1/√(2m) ≥ 3 % here, 300× the tolerance.
      const gaussian = random.fillNormal(new Float32Array(size), 0, 0.05);
      expect(orthogonalityDefect(gaussian, shape)).toBeGreaterThan(ORTHOGONALITY_TOLERANCE);
    }
  });
});

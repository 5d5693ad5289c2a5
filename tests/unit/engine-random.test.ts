/**
 * The seeded sampler: the ziggurat must give exactly N(0, 1) (moments, tails, a Kolmogorov–Smirnov check
 * against Φ), uniforms must stay in [low, high), truncated normals within ±2σ, and a seed must reproduce.
 * Tolerances are ≈ 5 standard errors of each estimate, so a correct sampler fails with negligible probability
 * while the classic mistakes (Box–Muller without the spare's independence, a 2σ-bound off by one layer,
 * the original ziggurat's reused bits) are well outside.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/engine/random';

const N = 1_000_000;

/** Φ(x) via erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7: far below the KS threshold used here). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function moments(values: Float32Array) {
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  for (const v of values) { s1 += v; s2 += v * v; s3 += v * v * v; s4 += v * v * v * v; }
  const n = values.length;
  return { mean: s1 / n, second: s2 / n, third: s3 / n, fourth: s4 / n };
}

function tailFraction(values: Float32Array, bound: number): number {
  let count = 0;
  for (const v of values) if (Math.abs(v) > bound) count++;
  return count / values.length;
}

/** Binomial standard error of a probability p estimated from n draws. */
const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

describe('createRandom().fillNormal (ziggurat)', () => {
  const values = createRandom(12345).fillNormal(new Float32Array(N));

  it('has mean 0, variance 1, skewness 0 and kurtosis 3', () => {
    const m = moments(values);
    // Standard errors: mean 1/√N = 0.001; E[z²] √(2/N) = 0.0014; E[z³] √(15/N) = 0.0039; E[z⁴] √(96/N) = 0.0098.
    expect(Math.abs(m.mean)).toBeLessThan(5 * 0.001);
    expect(Math.abs(m.second - 1)).toBeLessThan(5 * 0.0014);
    expect(Math.abs(m.third)).toBeLessThan(5 * 0.0039);
    expect(Math.abs(m.fourth - 3)).toBeLessThan(5 * 0.0098);
  });

  it('has normal tails beyond 2, 3, 4 and the ziggurat base r = 3.44', () => {
    for (const [bound, p] of [[2, 0.0455003], [3, 0.0026998], [3.442619855899, 0.000576], [4, 6.334e-5]] as const) {
      expect(Math.abs(tailFraction(values, bound) - p)).toBeLessThan(5 * se(p, N) + 1e-6);
    }
  });

  it('passes a Kolmogorov–Smirnov test against Φ', () => {
    const sorted = Float64Array.from(values.subarray(0, 200_000)).sort();
    let d = 0;
    for (let i = 0; i < sorted.length; i++) {
      const f = normalCdf(sorted[i]);
      d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs(f - (i + 1) / sorted.length));
    }
    // Critical value at α = 0.001 is 1.95 / √n.
    expect(d).toBeLessThan(1.95 / Math.sqrt(sorted.length));
  });

  it('is symmetric and has no hole or bump at the ziggurat layer edges (20-bin histogram vs Φ)', () => {
    const edges = Array.from({ length: 21 }, (_, i) => -4 + (8 * i) / 20);
    const counts = new Array(20).fill(0);
    for (const v of values) {
      const b = Math.floor(((v + 4) / 8) * 20);
      if (b >= 0 && b < 20) counts[b]++;
    }
    let chi2 = 0;
    for (let b = 0; b < 20; b++) {
      const expected = N * (normalCdf(edges[b + 1]) - normalCdf(edges[b]));
      chi2 += (counts[b] - expected) ** 2 / expected;
    }
    // χ² with 19 degrees of freedom: P(χ² > 50) ≈ 1e-4.
    expect(chi2).toBeLessThan(50);
  });

  it('applies mean and std', () => {
    const m = moments(createRandom(3).fillNormal(new Float32Array(200_000), 5, 0.1));
    expect(Math.abs(m.mean - 5)).toBeLessThan(5 * 0.1 / Math.sqrt(200_000));
    expect(Math.abs(Math.sqrt(m.second - m.mean * m.mean) - 0.1)).toBeLessThan(0.1 * 5 * Math.sqrt(1 / (2 * 200_000)));
  });

  it('normal() and fillNormal() draw the same stream', () => {
    const a = createRandom(9);
    const b = createRandom(9);
    const filled = a.fillNormal(new Float32Array(10_000));
    for (let i = 0; i < filled.length; i++) expect(filled[i]).toBe(Math.fround(b.normal()));
  });
});

describe('createRandom() uniform and truncated normal', () => {
  it('fillUniform stays in [low, high) with mean (low+high)/2 and variance (high−low)²/12', () => {
    const values = createRandom(4).fillUniform(new Float32Array(N), -0.3, 0.5);
    let min = Infinity, max = -Infinity;
    for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBeGreaterThanOrEqual(-0.3);
    expect(max).toBeLessThan(0.5);
    expect(min).toBeLessThan(-0.3 + 1e-4);
    expect(max).toBeGreaterThan(0.5 - 1e-4);
    const m = moments(values);
    const variance = m.second - m.mean ** 2;
    expect(Math.abs(m.mean - 0.1)).toBeLessThan(5 * Math.sqrt(0.64 / 12 / N));
    expect(Math.abs(variance - 0.64 / 12)).toBeLessThan(0.002);
  });

  it('fillTruncatedNormal stays within mean ± 2σ with std 0.8796σ', () => {
    const values = createRandom(5).fillTruncatedNormal(new Float32Array(N), 1, 0.5);
    let min = Infinity, max = -Infinity;
    for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBeGreaterThanOrEqual(1 - 2 * 0.5 - 1e-6);
    expect(max).toBeLessThanOrEqual(1 + 2 * 0.5 + 1e-6);
    const m = moments(values);
    expect(Math.abs(m.mean - 1)).toBeLessThan(0.003);
    expect(Math.abs(Math.sqrt(m.second - m.mean ** 2) / 0.5 - 0.87962566103423978)).toBeLessThan(0.003);
  });
});

describe('seeding', () => {
  it('reproduces a stream from its seed and differs between seeds', () => {
    const a = createRandom(42).fillNormal(new Float32Array(1000));
    const b = createRandom(42).fillNormal(new Float32Array(1000));
    const c = createRandom(43).fillNormal(new Float32Array(1000));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('forks streams that are uncorrelated with each other', () => {
    const root = createRandom(1);
    const x = root.fork().fillNormal(new Float32Array(200_000));
    const y = root.fork().fillNormal(new Float32Array(200_000));
    let dot = 0;
    for (let i = 0; i < x.length; i++) dot += x[i] * y[i];
    // Correlation of independent normals has standard error 1/√n ≈ 0.0022.
    expect(Math.abs(dot / x.length)).toBeLessThan(5 / Math.sqrt(x.length));
  });
});

/**
 * Reference initializers against their formulas, on several shapes (dense square, dense wide/narrow, conv).
 * Sample std is checked to ±6 standard errors (SE of a sample std ≈ σ·√(κ−1)/(2√n), κ the kurtosis:
 * 3 for normal, 1.8 for uniform), the mean to ±6 σ/√n, bounds exactly.
 */
import { describe, expect, it } from 'vitest';
import { initializerLabel, resolveInitializer, sampleInitializer, type InitializerRef } from '../../src/engine/initializers';
import { INIT_LABELS } from '../../src/components/widgets/lib/initializers';
import { createRandom } from '../../src/engine/random';
import { computeFans, TRUNCATED_NORMAL_STD_CORRECTION } from '../../src/engine/variance-scaling';

const SHAPES = [[256, 256], [784, 128], [64, 512], [3, 3, 64, 128], [11, 11, 3, 96]];

function stats(values: Float32Array) {
  let s = 0, s2 = 0, max = 0;
  for (const v of values) { s += v; s2 += v * v; max = Math.max(max, Math.abs(v)); }
  const mean = s / values.length;
  return { mean, std: Math.sqrt(s2 / values.length - mean * mean), maxAbs: max };
}

/** Expected std from the formula, written out independently of the code under test. */
function formulaStd(name: string, shape: number[], gain = 1): { std: number; limit?: number; kurtosis: number } {
  const { fanIn, fanOut } = computeFans(shape);
  const avg = (fanIn + fanOut) / 2;
  switch (name) {
    case 'lecun_normal': return { std: gain * Math.sqrt(1 / fanIn), kurtosis: 3 };
    case 'he_normal': return { std: gain * Math.sqrt(2 / fanIn), kurtosis: 3 };
    case 'glorot_normal': return { std: gain * Math.sqrt(2 / (fanIn + fanOut)), kurtosis: 3 };
    case 'lecun_uniform': { const a = gain * Math.sqrt(3 / fanIn); return { std: a / Math.sqrt(3), limit: a, kurtosis: 1.8 }; }
    case 'he_uniform': { const a = gain * Math.sqrt(6 / fanIn); return { std: a / Math.sqrt(3), limit: a, kurtosis: 1.8 }; }
    case 'glorot_uniform': { const a = gain * Math.sqrt(3 / avg); return { std: a / Math.sqrt(3), limit: a, kurtosis: 1.8 }; }
    case 'alexnet_normal': return { std: 0.01 * gain, kurtosis: 3 };
    default: throw new Error(name);
  }
}

describe('variance-scaling presets', () => {
  const names = ['lecun_normal', 'lecun_uniform', 'he_normal', 'he_uniform', 'glorot_normal', 'glorot_uniform', 'alexnet_normal'] as const;
  for (const name of names) {
    for (const gain of [1, 5 / 3]) {
      it(`${name} (gain ${gain.toFixed(2)}) has the formula's std, zero mean and bounds on ${SHAPES.length} shapes`, () => {
        let seed = 10;
        for (const shape of SHAPES) {
          const values = sampleInitializer({ name, gain }, shape, createRandom(seed++));
          const n = values.length;
          expect(n).toBe(shape.reduce((a, b) => a * b, 1));
          const expected = formulaStd(name, shape, gain);
          const measured = stats(values);
          const stdError = (expected.std * Math.sqrt(expected.kurtosis - 1)) / (2 * Math.sqrt(n));
          expect(Math.abs(measured.std - expected.std)).toBeLessThan(6 * stdError);
          expect(Math.abs(measured.mean)).toBeLessThan((6 * expected.std) / Math.sqrt(n));
          if (expected.limit !== undefined) {
            expect(measured.maxAbs).toBeLessThanOrEqual(expected.limit);
            expect(measured.maxAbs).toBeGreaterThan(expected.limit * 0.99);
          } else {
            // A normal with ≥ 34 848 draws reaches beyond 3.5 σ.
            expect(measured.maxAbs).toBeGreaterThan(3.5 * expected.std);
          }
          expect(resolveInitializer({ name, gain }, shape).std).toBeCloseTo(expected.std, 12);
        }
      });
    }
  }
});

describe('fixed initializers', () => {
  it('zeros, ones and constant fill every entry', () => {
    expect(new Set(sampleInitializer({ name: 'zeros' }, [4, 5], createRandom(1)))).toEqual(new Set([0]));
    expect(new Set(sampleInitializer({ name: 'ones' }, [4, 5], createRandom(1)))).toEqual(new Set([1]));
    expect(new Set(sampleInitializer({ name: 'constant', value: 0.25, gain: 2 }, [3, 3, 2, 2], createRandom(1)))).toEqual(new Set([0.5]));
  });

  it('normal and uniform default to TF.js (std 0.05, limit 0.05) and honour mean, std, limit', () => {
    const normal = stats(sampleInitializer({ name: 'normal' }, [512, 512], createRandom(2)));
    expect(Math.abs(normal.std - 0.05)).toBeLessThan(6 * 0.05 / Math.sqrt(2 * 262144));
    const shifted = stats(sampleInitializer({ name: 'normal', mean: 1, std: 0.2 }, [512, 512], createRandom(3)));
    expect(Math.abs(shifted.mean - 1)).toBeLessThan(6 * 0.2 / 512);
    const uniform = stats(sampleInitializer({ name: 'uniform', limit: 0.3 }, [512, 512], createRandom(4)));
    expect(uniform.maxAbs).toBeLessThanOrEqual(0.3);
    expect(Math.abs(uniform.std - 0.3 / Math.sqrt(3))).toBeLessThan(0.001);
  });

  it('truncated_normal draws within ±2·std and has the truncated std 0.8796·std (TF.js semantics)', () => {
    const values = sampleInitializer({ name: 'truncated_normal', std: 0.1 }, [512, 512], createRandom(5));
    const s = stats(values);
    expect(s.maxAbs).toBeLessThanOrEqual(0.2 + 1e-7);
    expect(Math.abs(s.std / 0.1 - TRUNCATED_NORMAL_STD_CORRECTION)).toBeLessThan(0.005);
  });

  it('variance_scaling with truncated_normal corrects the truncation so the std is exactly √(scale/fan)', () => {
    const ref: InitializerRef = { name: 'variance_scaling', scale: 2, mode: 'fan_in', distribution: 'truncated_normal' };
    const values = sampleInitializer(ref, [512, 256], createRandom(6));
    const s = stats(values);
    const target = Math.sqrt(2 / 512);
    expect(Math.abs(s.std / target - 1)).toBeLessThan(0.006);
    expect(s.maxAbs).toBeLessThanOrEqual((2 * target) / TRUNCATED_NORMAL_STD_CORRECTION + 1e-7);
    // fan_out and fan_avg pick the other fans.
    expect(resolveInitializer({ ...ref, mode: 'fan_out' }, [512, 256]).std).toBeCloseTo(Math.sqrt(2 / 256), 12);
    expect(resolveInitializer({ ...ref, mode: 'fan_avg' }, [512, 256]).std).toBeCloseTo(Math.sqrt(2 / 384), 12);
  });
});

describe('orthogonal', () => {
  function gram(values: Float32Array, rows: number, cols: number, byColumns: boolean): number {
    // Largest deviation of QᵀQ (columns) or QQᵀ (rows) from gain²·I.
    const k = byColumns ? cols : rows;
    const n = byColumns ? rows : cols;
    const at = (vector: number, t: number) => (byColumns ? values[t * cols + vector] : values[vector * cols + t]);
    let worst = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        let dot = 0;
        for (let t = 0; t < n; t++) dot += at(i, t) * at(j, t);
        worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    return worst;
  }

  it('has orthonormal columns for a tall matrix and orthonormal rows for a wide one', () => {
    expect(gram(sampleInitializer({ name: 'orthogonal' }, [96, 40], createRandom(7)), 96, 40, true)).toBeLessThan(1e-5);
    expect(gram(sampleInitializer({ name: 'orthogonal' }, [40, 96], createRandom(8)), 40, 96, false)).toBeLessThan(1e-5);
  });

  it('scales by the gain and flattens conv kernels to [kh·kw·cIn, cOut]', () => {
    const values = sampleInitializer({ name: 'orthogonal', gain: 2 }, [3, 3, 8, 16], createRandom(9));
    const scaled = values.map((v) => v / 2);
    expect(gram(scaled, 72, 16, true)).toBeLessThan(1e-5);
    expect(resolveInitializer({ name: 'orthogonal', gain: 2 }, [3, 3, 8, 16]).std).toBeCloseTo(2 / Math.sqrt(72), 12);
  });

  it('differs between seeds (a random rotation, not a fixed one)', () => {
    const a = sampleInitializer({ name: 'orthogonal' }, [8, 8], createRandom(1));
    const b = sampleInitializer({ name: 'orthogonal' }, [8, 8], createRandom(2));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

it('names the unknown initializer and lists the known ones', () => {
  expect(() => resolveInitializer({ name: 'xavier' as 'he_normal' }, [2, 2])).toThrow(/unknown initializer "xavier"; known: zeros, ones/);
});

describe('initializerLabel: the one naming of the presets (grader messages), with the formula', () => {
  it.each([
    ['lecun_normal', 'LeCun normal: √(1/fan_in)'], ['lecun_uniform', 'LeCun uniform: a = √(3/fan_in)'],
    ['he_normal', 'He normal: √(2/fan_in)'], ['he_uniform', 'He uniform: a = √(6/fan_in)'],
    ['glorot_normal', 'Glorot normal: √(2/(fan_in + fan_out))'], ['glorot_uniform', 'Glorot uniform: a = √(6/(fan_in + fan_out))'],
    ['alexnet_normal', 'AlexNet: N(0, 0.01²)'], ['orthogonal', 'orthogonal'],
  ] as const)('%s → %s', (name, text) => {
    expect(initializerLabel({ name })).toBe(text);
  });

  it('names the gain, and each formula is the one the preset resolves to', () => {
    expect(initializerLabel({ name: 'lecun_normal', gain: 5 / 3 }, (g) => g.toFixed(2))).toBe('LeCun normal: √(1/fan_in) × gain 1.67');
    // fan_in 300, fan_out 100: the printed formulas, evaluated by hand.
    expect(resolveInitializer({ name: 'he_uniform' }, [300, 100])).toMatchObject({ high: Math.sqrt(6 / 300) });
    expect(resolveInitializer({ name: 'glorot_uniform' }, [300, 100])).toMatchObject({ high: Math.sqrt(6 / 400) });
    expect(resolveInitializer({ name: 'glorot_normal' }, [300, 100]).std).toBeCloseTo(Math.sqrt(2 / 400), 15);
    expect(resolveInitializer({ name: 'lecun_uniform' }, [300, 100])).toMatchObject({ high: Math.sqrt(3 / 300) });
  });

  it('the widgets label the same presets the same way', () => {
    expect(INIT_LABELS).toEqual({
      he: 'He: Var[w] = 2/fan_in', lecun: 'LeCun: Var[w] = 1/fan_in', glorot: 'Glorot: Var[w] = 2/(fan_in + fan_out)', normal: 'N(0, σ²), fixed σ',
    });
  });
});

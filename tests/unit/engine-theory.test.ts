/** The mean-field theory itself: exact Gaussian moments, and He keeping a ReLU net exactly critical. */
import { describe, expect, it } from 'vitest';
import { activation, derivative, gaussianExpectation, meanField } from '../../src/engine/theory';

describe('gaussianExpectation', () => {
  it('integrates the moments the derivations use, including across ReLU’s jump at 0', () => {
    expect(gaussianExpectation(() => 1)).toBeCloseTo(1, 9);
    expect(gaussianExpectation((z) => z * z)).toBeCloseTo(1, 9);
    expect(gaussianExpectation((z) => activation('relu', z) ** 2)).toBeCloseTo(0.5, 9);
    expect(gaussianExpectation((z) => derivative('relu', z) ** 2)).toBeCloseTo(0.5, 9);
  });
});

describe('meanField', () => {
  it('He on a 100-layer ReLU net: Var(y) = 2 and Var(∂L/∂y) = ½ at every layer, to 1e-6', () => {
    const layers = Array.from({ length: 100 }, () => ({ fanIn: 512, units: 512, activation: 'relu' as const, weightVariance: 2 / 512 }));
    const { preVar, gradPreVar } = meanField(layers);
    for (const q of preVar.slice(1)) expect(Math.abs(q / 2 - 1)).toBeLessThan(1e-6);
    for (const g of gradPreVar) expect(Math.abs(g / 0.5 - 1)).toBeLessThan(1e-6);
  });

  it('1/n on a ReLU net halves Var(y) per layer: 2^−(L−1) at layer L', () => {
    const layers = Array.from({ length: 30 }, () => ({ fanIn: 256, units: 256, activation: 'relu' as const, weightVariance: 1 / 256 }));
    const { preVar } = meanField(layers);
    expect(preVar[29] / 2 ** -29).toBeCloseTo(1, 6);
  });
});

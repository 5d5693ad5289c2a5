/** The one number formatter: the strings learners read in messages, tables and widgets. */
import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent } from '../../src/engine/format';

describe('formatNumber', () => {
  it.each([
    [0.0625, '0.0625'], [Math.sqrt(2 / 512), '0.0625'], [1 / 3, '0.333'], [0.1, '0.1'], [2, '2'], [9999, '1e4'], [9994, '9990'],
    [10000, '1e4'], [1.6e8, '1.6e8'], [2.896e-7, '2.9e-7'], [0.00099, '9.9e-4'], [-0.0441942, '-0.0442'], [0, '0'],
    [Infinity, '∞'], [-Infinity, '−∞'], [NaN, 'NaN'],
  ])('%f → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('takes the number of significant digits', () => {
    expect(formatNumber(Math.PI, 2)).toBe('3.1');
    expect(formatNumber(123456, 2)).toBe('1.2e5');
    expect(formatNumber(Math.PI, 5)).toBe('3.1416');
  });
});

describe('formatPercent', () => {
  it.each([[0.04550026, '4.6 %'], [0.29289, '29 %'], [0, '0 %'], [15, '1500 %'], [0.0169, '1.7 %']])('%f → %s', (fraction, text) => {
    expect(formatPercent(fraction)).toBe(text);
  });
});

/**
 * The one number formatter of the course: grader messages, the CLI table, the results panel and the widgets all
 * print numbers with it, so the same value reads the same everywhere. Pure: no DOM, no Node built-ins.
 */

/** `digits` significant digits, trailing zeros dropped; exponent form outside [1e-3, 1e4): 0.0625, 2.9e-7, 1.6e8. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '−∞' : 'NaN';
  if (value === 0) return '0';
  // Rounded first, so 9999 at 3 digits is 1e4 and not 10000.
  const rounded = Number(value.toPrecision(digits));
  const abs = Math.abs(rounded);
  if (abs >= 1e-3 && abs < 1e4) return String(rounded);
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/** A fraction as a percentage with `digits` significant digits: 0.0455 → "4.6 %". */
export function formatPercent(fraction: number, digits = 2): string {
  return `${formatNumber(100 * fraction, digits)} %`;
}

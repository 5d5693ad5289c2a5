/**
 * Grading a learner's answer to a quiz question. Pure (no DOM), shared by the quiz island in the
 * browser and by the content checks (a question's stated answer must pass, its listed mistakes fail).
 */
import { ArithmeticError, evaluate } from './arithmetic';

export interface Tolerance {
  /** Accept |value − target| ≤ absolute. */
  absolute?: number;
  /** Accept |value − target| ≤ relative · |target|. */
  relative?: number;
}

/** What the numeric grader needs of a question (the schema's NumericQuestion has more). */
export interface NumericTarget {
  /** The value answers are compared with (the evaluated `exact` expression, else the stated answer). */
  target: number;
  tolerance: Tolerance;
  unit?: string;
}

/**
 * True when `value` is within the tolerance of `target`. The widest of the two tolerances applies, plus
 * a floating-point allowance of 1e-9 relative, so that "sqrt(2/800)" typed by a learner and 0.05
 * compare equal at absolute tolerance 0.
 */
export function withinTolerance(value: number, target: number, tolerance: Tolerance): boolean {
  const allowed = Math.max(tolerance.absolute ?? 0, (tolerance.relative ?? 0) * Math.abs(target), 1e-9 * Math.max(1, Math.abs(target)));
  return Math.abs(value - target) <= allowed;
}

/** "exactly", "within ±0.5", "within 1 %", "within ±0.001 or 1 %": for feedback and messages. */
export function describeTolerance(tolerance: Tolerance): string {
  const parts: string[] = [];
  if (tolerance.absolute) parts.push(`±${tolerance.absolute}`);
  if (tolerance.relative) parts.push(`${+(tolerance.relative * 100).toPrecision(3)} %`);
  return parts.length ? `within ${parts.join(' or ')}` : 'exactly';
}

export type NumericReading = { ok: true; value: number } | { ok: false; message: string };

/**
 * Reads what a learner typed: a number or a formula ("0.0613", "6.13e-2", "1/64", "sqrt(2/800)",
 * "1.6 × 10^6"), optionally followed by the question's unit ("44 layers", "1 %").
 */
export function readNumericAnswer(text: string, unit?: string): NumericReading {
  let source = text.trim();
  if (source === '') return { ok: false, message: 'Type a number first.' };
  if (unit) {
    const suffix = unit.trim().toLowerCase();
    if (source.toLowerCase().endsWith(suffix)) source = source.slice(0, source.length - suffix.length).trim();
  }
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(source)) source = source.replace(/,/g, '');
  else if (/^\d*,\d+$/.test(source)) {
    return { ok: false, message: `“${text.trim()}” uses a decimal comma: write it with a point, e.g. ${source.replace(',', '.')}.` };
  }
  try {
    return { ok: true, value: evaluate(source) };
  } catch (error) {
    if (error instanceof ArithmeticError) {
      return { ok: false, message: `Could not read “${text.trim()}” as a number: ${error.message}.${unit ? ` Give the number in ${unit}.` : ''}` };
    }
    throw error;
  }
}

export type NumericGrade =
  | { status: 'unreadable'; message: string }
  | { status: 'correct' | 'wrong'; value: number; /** Index of the listed mistake this answer matches, if any. */ mistake?: number };

/** Grades typed text against a target; `mistakes` are the values of known wrong answers, matched at the same tolerance. */
export function gradeNumeric(question: NumericTarget, text: string, mistakes: number[] = []): NumericGrade {
  const reading = readNumericAnswer(text, question.unit);
  if (!reading.ok) return { status: 'unreadable', message: reading.message };
  if (withinTolerance(reading.value, question.target, question.tolerance)) return { status: 'correct', value: reading.value };
  const mistake = mistakes.findIndex((m) => withinTolerance(reading.value, m, question.tolerance));
  return { status: 'wrong', value: reading.value, ...(mistake >= 0 ? { mistake } : {}) };
}

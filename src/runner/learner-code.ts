/**
 * Turning the learner's compiled module into an initializer, and learner failures into the
 * runner's error kinds. Runs inside the learner worker.
 */
import type { RunErrorKind } from './protocol';

export type LearnerInitializer = (layer: unknown, tools: unknown) => unknown;

export class LearnerCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearnerCodeError';
  }
}

/**
 * Evaluates CommonJS-style JS (what TypeScript emits for `export default function init`) with a
 * fresh exports object and returns the initializer: `module.exports.default`, `exports.init`, or a
 * function assigned to `module.exports`.
 */
export function evaluateLearnerModule(compiledJs: string): LearnerInitializer {
  const module: { exports: Record<string, unknown> | ((...args: unknown[]) => unknown) } = { exports: {} };
  const require = (name: string) => {
    throw new LearnerCodeError(`import of "${name}" is not available: use the tf and random passed to init(layer, { tf, random }).`);
  };
  let factory: (exports: unknown, module: unknown, require: unknown) => void;
  try {
    // Indirect eval in the global scope: the learner sees no runner variables. The wrapper keeps the
    // learner's line numbers; sourceURL names the file in stack traces.
    factory = (0, eval)(`(function (exports, module, require) {${compiledJs}\n})\n//# sourceURL=initializer.js`);
  } catch (error) {
    throw new LearnerCodeError(`The code does not compile: ${describe(error)}`);
  }
  try {
    factory(module.exports, module, require);
  } catch (error) {
    if (error instanceof LearnerCodeError) throw error;
    throw new LearnerCodeError(`The code failed while loading, before init was called: ${describe(error)}`);
  }
  const exported = module.exports;
  const candidate =
    typeof exported === 'function' ? exported : typeof exported.default === 'function' ? exported.default : exported.init;
  if (typeof candidate !== 'function') {
    throw new LearnerCodeError('No initializer found: export it with `export default function init(layer, { tf, random }) { ... }`.');
  }
  return candidate as LearnerInitializer;
}

const MEMORY_PATTERN = /array buffer allocation failed|out of memory|\bOOM\b|cannot enlarge memory|allocation failed|Invalid typed array length|Invalid array length|createBuffer|exceeds the max|too large/i;

export function classifyError(error: unknown): { kind: RunErrorKind; message: string } {
  if (error instanceof LearnerCodeError) return { kind: 'compile', message: error.message };
  const text = describe(error);
  const name = error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : '';
  if (name === 'InvalidWeightsError' || name === 'WeightsError') return { kind: 'invalid-weights', message: text };
  if (MEMORY_PATTERN.test(text)) return { kind: 'memory', message: `Out of memory: ${text}` };
  return { kind: 'runtime', message: text };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

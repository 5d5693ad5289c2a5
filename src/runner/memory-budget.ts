/**
 * A cap on what learner code may allocate in typed arrays and ArrayBuffers during one run.
 *
 * Why: a runaway allocation (`for (;;) keep.push(new Float32Array(2 ** 28))`) does not reliably fail
 * in the browser: zeroed pages are reserved lazily, so the worker can reserve far more than the
 * machine has and take the whole system down with it before an allocation fails. Counting the bytes
 * learner code asks for makes the failure prompt and certain. Only allocations made while learner
 * code is on the stack count (the engine's own buffers do not); the count is per run and never goes
 * down, which is why the limit is generous: AlexNet's weights are 0.25 GB.
 */

export const LEARNER_ALLOCATION_LIMIT_BYTES = 4 * 1024 ** 3;

export class AllocationLimitError extends RangeError {
  constructor(requested: number, total: number, limit: number) {
    super(
      `Array buffer allocation failed: your code asked for ${formatBytes(requested)} more, ` +
        `${formatBytes(total)} in this run, over the runner's limit of ${formatBytes(limit)}`,
    );
    this.name = 'RangeError';
  }
}

export interface AllocationBudget {
  /** Runs fn with learner allocations counted. */
  counting<T>(fn: () => T): T;
  readonly allocatedBytes: number;
  /**
   * Whether an allocation made by learner code failed for lack of memory: over this budget, or refused
   * by the engine for a valid size. Set where the allocation failed, so no error text is read to know it.
   */
  readonly exhausted: boolean;
}

const CONSTRUCTORS = [
  'ArrayBuffer', 'SharedArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;

export function installAllocationBudget(limitBytes = LEARNER_ALLOCATION_LIMIT_BYTES, scope: typeof globalThis = globalThis): AllocationBudget {
  let active = 0;
  let allocated = 0;
  let exhausted = false;
  const global = scope as unknown as Record<string, unknown>;
  for (const name of CONSTRUCTORS) {
    const original = global[name] as (new (...args: unknown[]) => unknown) & { BYTES_PER_ELEMENT?: number } | undefined;
    if (typeof original !== 'function') continue;
    const bytesPerElement = original.BYTES_PER_ELEMENT ?? 1;
    global[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        if (active > 0) {
          const requested = requestedBytes(args[0], bytesPerElement);
          if (allocated + requested > limitBytes) {
            exhausted = true;
            throw new AllocationLimitError(requested, allocated + requested, limitBytes);
          }
          allocated += requested;
          try {
            return Reflect.construct(target, args, newTarget === global[name] ? target : newTarget);
          } catch (error) {
            // A valid size the engine could not allocate (a negative or fractional length is a plain mistake).
            if (error instanceof RangeError && validSize(args[0])) exhausted = true;
            throw error;
          }
        }
        return Reflect.construct(target, args, newTarget === global[name] ? target : newTarget);
      },
    });
  }
  return {
    counting(fn) {
      active++;
      try {
        return fn();
      } finally {
        active--;
      }
    },
    get allocatedBytes() {
      return allocated;
    },
    get exhausted() {
      return exhausted;
    },
  };
}

/** Bytes a typed-array or ArrayBuffer constructor call allocates: a length, or a copy of an array-like. */
function requestedBytes(first: unknown, bytesPerElement: number): number {
  if (typeof first === 'number') return Math.max(0, first) * bytesPerElement;
  if (first instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && first instanceof SharedArrayBuffer)) return 0; // a view
  const length = (first as { length?: unknown } | null)?.length;
  return typeof length === 'number' ? length * bytesPerElement : 0;
}

function validSize(first: unknown): boolean {
  return typeof first !== 'number' || (Number.isSafeInteger(first) && first >= 0);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

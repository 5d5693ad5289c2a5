/**
 * The learner worker's guards, in isolation: the allocation budget, the global lockdown and the
 * classification of failures. (Their effect in a real browser is tested in tests/e2e/runner.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { installAllocationBudget } from '../../src/runner/memory-budget';
import { BlockedApiError, lockDownWorkerGlobals } from '../../src/runner/lockdown';
import { classifyError, classifyFailure } from '../../src/runner/learner-code';
import { LearnerError } from '../../src/engine/learner-api';

function fakeScope() {
  return { ArrayBuffer, Float32Array, Uint8Array } as unknown as typeof globalThis & { Float32Array: Float32ArrayConstructor; Uint8Array: Uint8ArrayConstructor; ArrayBuffer: ArrayBufferConstructor };
}

describe('allocation budget', () => {
  it('counts what learner code allocates and fails past the limit with an allocation error', () => {
    const scope = fakeScope();
    const budget = installAllocationBudget(1000, scope);
    budget.counting(() => new scope.Float32Array(200)); // 800 bytes
    expect(budget.allocatedBytes).toBe(800);
    expect(() => budget.counting(() => new scope.Uint8Array(201))).toThrow(/allocation failed.*limit/i);
    expect(() => budget.counting(() => new scope.ArrayBuffer(300))).toThrow(RangeError);
    budget.counting(() => new scope.Uint8Array(200));
    expect(budget.allocatedBytes).toBe(1000);
  });

  it('does not count allocations outside learner code, nor views of existing buffers', () => {
    const scope = fakeScope();
    const budget = installAllocationBudget(100, scope);
    new scope.Float32Array(10_000);
    const buffer = new ArrayBuffer(4000);
    budget.counting(() => new scope.Float32Array(buffer));
    expect(budget.allocatedBytes).toBe(0);
  });

  it('keeps the constructors working: instanceof, static from, subclasses', () => {
    const scope = fakeScope();
    const budget = installAllocationBudget(1 << 20, scope);
    const made = budget.counting(() => scope.Float32Array.from([1, 2, 3]));
    expect(made).toBeInstanceOf(Float32Array);
    expect(made instanceof scope.Float32Array).toBe(true);
    expect(Array.from(made)).toEqual([1, 2, 3]);
    class Sub extends scope.Float32Array {}
    expect(budget.counting(() => new Sub(4))).toBeInstanceOf(Sub);
    expect(budget.allocatedBytes).toBe(12 + 16);
  });
});

describe('worker lockdown', () => {
  it('replaces network and storage APIs with ones that throw an error naming them, for good', () => {
    const scope = { fetch: () => 'sent', indexedDB: { open: () => 'opened' }, importScripts: () => 'loaded', navigator: {} } as unknown as typeof globalThis;
    lockDownWorkerGlobals(scope);
    const s = scope as unknown as Record<string, any>;
    expect(() => s.fetch('/x')).toThrow(BlockedApiError);
    expect(() => s.fetch('/x')).toThrow(/fetch is not available/);
    expect(() => s.indexedDB).toThrow(/indexedDB/);
    expect(() => s.importScripts('/x')).toThrow(/importScripts/);
    expect(() => s.navigator.storage).toThrow(/navigator\.storage/);
    expect(() => delete s.fetch).toThrow(TypeError); // strict mode: non-configurable
    expect(() => s.fetch('/x')).toThrow(BlockedApiError);
  });
});

describe('failure classification', () => {
  it('maps engine learner errors to the runner kinds, memory failures first', () => {
    expect(classifyFailure('layer 1: returned a Float32Array of length 3', 'length')).toBe('invalid-weights');
    expect(classifyFailure('layer 2: your initializer threw TypeError: x', 'threw')).toBe('runtime');
    expect(classifyFailure('no initializer found', 'not-a-function')).toBe('compile');
    expect(classifyFailure('layer 2: your initializer threw RangeError: Array buffer allocation failed', 'threw')).toBe('memory');
    expect(classifyError(new LearnerError('non-finite', 'layer 3: NaN', 3))).toEqual({ kind: 'invalid-weights', message: 'layer 3: NaN', layer: 3 });
    expect(classifyError(new Error('Aborted(OOM)')).kind).toBe('memory');
    expect(classifyError(new TypeError('x is undefined')).kind).toBe('runtime');
  });
});

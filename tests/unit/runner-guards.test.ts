/**
 * The learner worker's guards, in isolation: the allocation budget, the global lockdown and the
 * classification of failures. (Their effect in a real browser is tested in tests/e2e/runner.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { installAllocationBudget } from '../../src/runner/memory-budget';
import { BlockedApiError, lockDownWorkerGlobals } from '../../src/runner/lockdown';
import { runErrorKind } from '../../src/runner/learner-code';
import { parseFromLearner } from '../../src/engine/realm-protocol';

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
    expect(budget.exhausted).toBe(true);
  });

  it('is exhausted only by a failed allocation, not by a mistaken length', () => {
    const scope = fakeScope();
    const budget = installAllocationBudget(1000, scope);
    expect(() => budget.counting(() => new scope.Float32Array(-1))).toThrow(RangeError);
    expect(budget.exhausted).toBe(false);
    // Within the budget but beyond what the engine can allocate at all (a length over 2^53).
    const bigScope = fakeScope();
    const big = installAllocationBudget(Number.POSITIVE_INFINITY, bigScope);
    expect(() => big.counting(() => new bigScope.Float32Array(2 ** 40))).toThrow(RangeError);
    expect(big.exhausted).toBe(true);
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

  it("takes nested workers, postMessage and WebAssembly from the learner's realm, from the prototype too", () => {
    const proto = { postMessage: () => 'posted to the frame' };
    const scope = Object.assign(Object.create(proto), { Worker: class {}, navigator: {} }) as typeof globalThis;
    lockDownWorkerGlobals(scope, { learnerRealm: true });
    const s = scope as unknown as Record<string, any>;
    expect(() => new s.Worker('data:,')).toThrow(/Worker is not available/);
    expect(() => s.postMessage('forged')).toThrow(/postMessage is not available/);
    expect(proto.postMessage).toBeUndefined();
    expect(() => s.WebAssembly).toThrow(/WebAssembly is not available to initializers/);
    // The grader's realm keeps them (WASM threads are workers).
    const grader = { Worker: class {}, navigator: {} } as unknown as typeof globalThis;
    lockDownWorkerGlobals(grader);
    expect(typeof (grader as unknown as Record<string, any>).Worker).toBe('function');
    expect((grader as unknown as Record<string, any>).WebAssembly).toBeUndefined(); // untouched: the scope had none
  });
});

describe('failure classification', () => {
  it('takes the kind the learner realm reported, never words of the message', () => {
    expect(runErrorKind('length')).toBe('invalid-weights');
    expect(runErrorKind('threw')).toBe('runtime');
    expect(runErrorKind('not-a-function')).toBe('compile');
    expect(runErrorKind('memory')).toBe('memory');
    // A learner error that only talks about memory stays what it is.
    const said = parseFromLearner({ type: 'learner-error', kind: 'threw', message: 'layer 1: your initializer threw Error: out of memory, Array buffer allocation failed', layer: 1 });
    expect(said?.type === 'learner-error' && runErrorKind(said.kind)).toBe('runtime');
  });
});

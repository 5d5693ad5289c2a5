/**
 * random.orthogonal's WebAssembly kernel (src/engine/orthogonal-kernel.wat): the committed bytes are the
 * .wat's, and its block reflector step agrees with the plain JavaScript step (one column and one row at a
 * time, summed in float64) that runs where WebAssembly SIMD is missing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileKernel, ORTHOGONAL_KERNEL } from '../../scripts/build-wasm';
import { ORTHOGONAL_KERNEL_WASM } from '../../src/engine/orthogonal-kernel-wasm';
import { createRandom } from '../../src/engine/random';
import { sampleOrthogonal } from '../../src/engine/orthogonal';

type Sample = typeof sampleOrthogonal;

/** sampleOrthogonal from a fresh copy of the module evaluated while `WebAssembly` was missing. */
async function withoutWebAssembly(): Promise<Sample> {
  const saved = globalThis.WebAssembly;
  vi.resetModules();
  delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  try {
    return (await import('../../src/engine/orthogonal')).sampleOrthogonal;
  } finally {
    globalThis.WebAssembly = saved;
  }
}

describe('orthogonal kernel', () => {
  afterEach(() => vi.resetModules());

  it('orthogonal-kernel-wasm.ts holds exactly what wat2wasm makes of orthogonal-kernel.wat (else: npm run build:wasm)', async () => {
    expect(Buffer.from(ORTHOGONAL_KERNEL_WASM).equals(Buffer.from(await compileKernel(ORTHOGONAL_KERNEL)))).toBe(true);
    expect(WebAssembly.validate(ORTHOGONAL_KERNEL_WASM)).toBe(true);
  });

  it.each([[[512, 512]], [[300, 77]], [[77, 300]], [[130, 129]], [[5, 4]], [[1, 7]]])(
    'shape %j: the WebAssembly and the JavaScript step give the same matrix to float32 rounding',
    async (shape) => {
      const jsSample = await withoutWebAssembly();
      const wasm = sampleOrthogonal(shape, 1, createRandom(3));
      const js = jsSample(shape, 1, createRandom(3));
      let worst = 0, largest = 0;
      for (let i = 0; i < wasm.length; i++) {
        worst = Math.max(worst, Math.abs(wasm[i] - js[i]));
        largest = Math.max(largest, Math.abs(wasm[i]));
      }
      // Entries are ≈ 1/√n; both paths store float32 and differ only in summation order (≈ 1e-7 per step).
      expect(worst).toBeLessThan(2e-5);
      // The same draw, not merely another orthogonal matrix: typical entries are 1/√n ≫ 2e-5.
      expect(largest).toBeGreaterThan(0.04);
    },
  );
});

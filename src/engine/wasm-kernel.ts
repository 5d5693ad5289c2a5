/**
 * The engine's WebAssembly kernels (orthogonal-kernel.wat, normal-kernel.wat): compiled from bytes embedded in the
 * bundle, so they load in every realm the engine runs in (browser workers, Node, the learner's vm context).
 */

// Taken when this module is evaluated, before any learner code runs: the learner's realms remove the global
// (lockdown.ts, realm-entry.ts), and the engine keeps this reference.
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/**
 * A kernel module's exports (it takes no imports), or null where WebAssembly is missing, lacks what the module
 * uses (SIMD), or may not compile code (a Content-Security-Policy without 'wasm-unsafe-eval'): the caller then
 * runs its JavaScript version.
 */
export function instantiateKernel<Exports>(bytes: Uint8Array): Exports | null {
  if (!wasmApi || !wasmApi.validate(bytes)) return null;
  try {
    return new wasmApi.Instance(new wasmApi.Module(bytes), {}).exports as Exports;
  } catch {
    return null;
  }
}

/**
 * Backend choice inside the learner worker: WebGPU → WebGL → WASM → CPU for 'auto', or exactly the
 * backend picked. Every attempt is recorded with the reason it was not used.
 *
 * 'auto' passes over software GPU implementations (SwiftShader WebGPU or WebGL): they are correct but
 * 10–20× slower than the WASM backend on the same CPU. Picking the backend by name still uses them.
 * A hardware GPU is calibrated against WASM before 'auto' keeps it (see calibrateAgainstWasm): an integrated
 * GPU or a driver with a high cost per dispatch can be slower than the CPU for these small layers.
 */
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendAttempt, BackendName, BackendReport, GpuCalibration } from './protocol';

export class BackendUnavailableError extends Error {
  constructor(readonly tried: BackendAttempt[], message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

interface Started {
  details: string;
  wasmThreads?: number;
  calibration?: GpuCalibration;
}

/** Tries one backend; throws an Error whose message is the reason it cannot be used. */
type Starter = (auto: boolean) => Promise<Started>;

export async function chooseBackend(
  candidates: readonly BackendName[],
  auto: boolean,
  wasmBinaries: Record<string, ArrayBuffer>,
  remembered?: GpuCalibration,
): Promise<Omit<BackendReport, 'requested'>> {
  const calibrated = (start: Starter, name: 'webgpu' | 'webgl'): Starter => async (auto) => {
    const started = await start(auto);
    if (!auto) return started;
    if (remembered?.backend === name) {
      return { ...started, details: `${started.details}; calibrated on ${remembered.measuredAt.slice(0, 10)} in this browser: ${remembered.comparison}` };
    }
    const comparison = await calibrateAgainstWasm(name, wasmBinaries);
    const calibration = { backend: name, comparison, measuredAt: new Date().toISOString() };
    return { ...started, details: `${started.details}; calibrated: ${comparison}`, calibration };
  };
  const starters: Record<BackendName, Starter> = {
    webgpu: calibrated(startWebGpu, 'webgpu'),
    webgl: calibrated(startWebGl, 'webgl'),
    wasm: (auto) => startWasm(auto, wasmBinaries),
    cpu: startCpu,
  };
  const tried: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      const started = await starters[name](auto);
      tried.push({ name, ok: true });
      return { name, tried, ...started };
    } catch (error) {
      tried.push({ name, ok: false, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw new BackendUnavailableError(tried, auto || tried.length !== 1 ? `No TF.js backend could start (${reasons})` : `The ${tried[0].name} backend is not available here: ${tried[0].reason}`);
}

/** tf.setBackend reports failures only through console.warn; capture them as the reason. */
async function setBackendOrThrow(name: BackendName): Promise<void> {
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } finally {
    console.warn = originalWarn;
  }
  if (!ok) {
    const detail = warnings.filter((w) => !/^Initialization of backend/.test(w)).map(firstLine).join('; ');
    throw new Error(`TF.js could not initialise it${detail ? `: ${detail}` : ''}`);
  }
  // One tiny op proves the backend computes, and compiles its first kernels before a run is timed.
  const check = tf.tidy(() => tf.sum(tf.matMul(tf.ones([2, 2]), tf.ones([2, 2]))));
  const value = (await check.data())[0];
  check.dispose();
  if (value !== 8) throw new Error(`a 2×2 matrix product came out wrong (${value})`);
}

async function startWebGpu(auto: boolean): Promise<Started> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (WebGPU is off or unsupported in this browser)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu has no adapter');
  // GPUAdapter.info (Chromium 127+) is newer than the installed WebGPU typings.
  const info = ((adapter as GPUAdapter & { info?: GPUAdapterInfo }).info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software = info.isFallbackAdapter === true || /swiftshader/i.test(description);
  if (auto && software) throw new Error(`software adapter (${description}) passed over: slower than WASM`);
  await setBackendOrThrow('webgpu');
  return { details: `WebGPU adapter: ${description}${software ? ' (software)' : ''}` };
}

async function startWebGl(auto: boolean): Promise<Started> {
  if (typeof OffscreenCanvas === 'undefined') throw new Error('OffscreenCanvas is missing, so WebGL cannot run in a worker');
  const probe = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
  if (!probe) throw new Error('no WebGL context in a worker (no GPU, or WebGL is blocked)');
  const renderer = webGlRenderer(probe);
  probe.getExtension('WEBGL_lose_context')?.loseContext();
  const software = /swiftshader|llvmpipe|software/i.test(renderer);
  if (auto && software) throw new Error(`software renderer (${renderer}) passed over: slower than WASM`);
  await setBackendOrThrow('webgl');
  return { details: `WebGL renderer: ${renderer}${software ? ' (software)' : ''}` };
}

function webGlRenderer(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown');
}

const WASM_PREFIX = 'initlab-wasm:';

async function startWasm(_auto: boolean, wasmBinaries: Record<string, ArrayBuffer>): Promise<Started> {
  const names = Object.keys(wasmBinaries);
  if (names.length === 0) throw new Error('the WASM binaries were not provided to the worker');
  // The worker may not fetch anything (CSP connect-src 'none'), so the binaries come from the page
  // by postMessage and TF.js gets them through its platform fetch hook.
  setWasmPaths(Object.fromEntries(names.map((name) => [name, WASM_PREFIX + name])) as Parameters<typeof setWasmPaths>[0], true);
  const platform = tf.env().platform as { fetch: (path: string, init?: RequestInit) => Promise<Response> };
  let binary = '';
  platform.fetch = async (path: string) => {
    const bytes = path.startsWith(WASM_PREFIX) ? wasmBinaries[(binary = path.slice(WASM_PREFIX.length))] : undefined;
    if (!bytes) throw new Error(`fetch is not available in the runner (${path})`);
    return new Response(bytes.slice(0), { headers: { 'Content-Type': 'application/wasm' } });
  };
  await withEveryCore(() => setBackendOrThrow('wasm'));
  const [simd, multiThread] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  const threads = multiThread ? getThreadsCount() : 1;
  const why = multiThread ? '' : ` (no threads: ${self.crossOriginIsolated ? 'shared WebAssembly memory unsupported' : 'the worker is not cross-origin isolated'})`;
  return { details: `WASM (${binary}), SIMD ${simd ? 'on' : 'off'}, ${threads} thread${threads === 1 ? '' : 's'}${why}, ${navigator.hardwareConcurrency} cores`, wasmThreads: threads };
}

/**
 * Runs `start` asking the WASM backend for one thread per logical core. TF.js caps XNNPACK's pool at half of
 * navigator.hardwareConcurrency (it assumes two hyper-threads per core), which leaves a 2-core machine with one
 * thread; the cap is read once, while the module starts, so the count is reported doubled just for that moment.
 * Two threads on 2 cores: see `npm run bench` (1 vs 2 threads) and `npm run bench:browser`.
 */
async function withEveryCore<T>(start: () => Promise<T>): Promise<T> {
  const cores = navigator.hardwareConcurrency || 1;
  setThreadsCount(cores);
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: cores * 2, configurable: true });
  try {
    return await start();
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/**
 * Times one 512-wide dense layer (batch 256: forward matMul, the two backward matMuls, the statistics read back,
 * as the lab does per layer) on the GPU backend just started and on WASM in this same worker,
 * median of 3 after a warm-up. Throws (so 'auto' moves on to the WASM worker, which has every core) when WASM is
 * faster even here (where it may have fewer threads); otherwise leaves the GPU backend set and returns the comparison for the backend line.
 */
async function calibrateAgainstWasm(gpu: 'webgpu' | 'webgl', wasmBinaries: Record<string, ArrayBuffer>): Promise<string> {
  const gpuMs = await layerMilliseconds();
  let wasm: string;
  let wasmMs: number;
  try {
    const started = await startWasm(true, wasmBinaries);
    wasm = `WASM (${started.wasmThreads ?? 1} thread${started.wasmThreads === 1 ? '' : 's'})`;
    wasmMs = await layerMilliseconds();
  } catch {
    await setBackendOrThrow(gpu);
    return `${gpuMs.toFixed(1)} ms per 512-wide layer (WASM could not be timed here)`;
  }
  const comparison = `${gpuMs.toFixed(1)} ms per 512-wide layer vs ${wasmMs.toFixed(1)} ms on ${wasm}`;
  if (wasmMs < gpuMs) throw new Error(`slower than WASM on this machine: ${comparison}`);
  await setBackendOrThrow(gpu);
  return comparison;
}

/**
 * The lab's dense layer (lab.ts) in its transposed layout, yᵀ = Wᵀ hᵀ, ∂L/∂W = hᵀ (∂L/∂yᵀ)ᵀ, ∂L/∂hᵀ = W ∂L/∂yᵀ, with
 * explicit transposes as the lab writes them: WASM runs a matMul with a transposed operand in a naive loop
 * (15–30× slower), which would hand the GPU a win the lab never sees.
 */
async function layerMilliseconds(): Promise<number> {
  const [hT, w, gT] = [tf.randomNormal([512, 256]), tf.randomNormal([512, 512]), tf.randomNormal([512, 256])];
  const once = async () => {
    const start = performance.now();
    const out = tf.tidy(() => tf.stack([
      tf.sum(tf.square(tf.matMul(tf.transpose(w), hT))), tf.sum(tf.matMul(hT, tf.transpose(gT))), tf.sum(tf.matMul(w, gT)),
    ]));
    await out.data();
    out.dispose();
    return performance.now() - start;
  };
  try {
    await once();
    const times = [await once(), await once(), await once()].sort((a, b) => a - b);
    return times[1];
  } finally {
    tf.dispose([hT, w, gT]);
  }
}

async function startCpu(): Promise<Started> {
  await setBackendOrThrow('cpu');
  return { details: 'plain JavaScript (slow)' };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** WebGPU only: resolves with a message when the device is lost (never resolves otherwise). */
export function webGpuDeviceLost(): Promise<string> | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return null;
  return device.lost.then((info) => `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}).`);
}

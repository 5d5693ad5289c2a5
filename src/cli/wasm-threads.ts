/**
 * TF.js's multi-threaded WASM backend in Node, which TF.js itself switches off there (tfjs issue 3830).
 *
 * Two things stand in the way, and both are worked around only while the backend starts:
 * - TF.js hands Emscripten its pthread worker script, and the main script inside that worker, as Blob URLs,
 *   which Node's worker_threads cannot load: the worker script is written to a temporary file instead, with
 *   a prelude that points the worker's own Blob URL at the threaded main script on disk.
 * - XNNPACK's pool is capped at half the logical cores (TF.js assumes two hyper-threads per core), so a
 *   2-core machine gets 1 thread: the cores Emscripten reads (os.cpus()) are reported twice over.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** Starts the wasm backend with `threads` XNNPACK threads (the .wasm files in `wasmDir`); resolves to the count in use. */
export async function startThreadedWasm(wasmPackageDir: string, threads: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const mainScript = path.join(wasmPackageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(wasmPackageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const workerFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'initlab-wasm-')), 'pthread-worker.js');
  // Newlines inside the script's string literals arrive unescaped (TF.js escapes them the same way).
  const prelude = `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => {};\n`;
  fs.writeFileSync(workerFile, prelude + wasmWorkerContents.replace(/\n/g, '\\n'));

  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (() => workerFile) as typeof URL.createObjectURL;
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    setThreadsCount(threads);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend could not start');
    await tf.ready();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  return getThreadsCount();
}

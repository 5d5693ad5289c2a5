/**
 * Picks the fastest TF.js backend that works in Node: WASM (the .wasm files loaded from node_modules), else CPU.
 * (@tensorflow/tfjs-node cannot be installed here: it downloads a prebuilt binary.)
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { startThreadedWasm } from './wasm-threads';

export type NodeBackend = 'wasm' | 'cpu';

let chosen: Promise<NodeBackend> | undefined;

/**
 * Sets the backend once per process: `preferred` if given, else wasm with a fallback to cpu. Resolves to the one in use.
 * `wasmThreads` > 1 starts the multi-threaded WASM build with that many threads (see wasm-threads.ts).
 */
export function setupBackend(preferred?: NodeBackend, wasmThreads = 1): Promise<NodeBackend> {
  chosen ??= choose(preferred, wasmThreads);
  return chosen;
}

async function choose(preferred: NodeBackend | undefined, wasmThreads: number): Promise<NodeBackend> {
  if (preferred !== 'cpu') {
    try {
      const require = createRequire(import.meta.url);
      const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      // Node's fetch cannot read file:// URLs, so give the loader plain file paths (it reads them with fs).
      setWasmPaths(path.join(packageDir, 'dist') + path.sep);
      if (wasmThreads > 1) {
        await startThreadedWasm(packageDir, wasmThreads);
        return 'wasm';
      }
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch (error) {
      if (preferred === 'wasm') throw error;
    }
    if (preferred === 'wasm') throw new Error('the wasm backend could not start');
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

export { tf, pathToFileURL };

/**
 * The training widget's Web Worker: trains one network per selected init, one after the other, and streams
 * each point back, so the page stays responsive. TF.js on WASM (SIMD when available), else the CPU backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadDataset } from '~/data/load';
import { train } from '~/engine/train';
import { boundaryGrid, initializerOf, trainingNetwork, type FromTrainWorker, type ToTrainWorker } from './training';

const post = (message: FromTrainWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

let backendReady: Promise<string> | undefined;
function startBackend(): Promise<string> {
  backendReady ??= (async () => {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
    });
    try {
      if (await tf.setBackend('wasm')) return 'wasm';
    } catch {
      // fall through to the CPU backend
    }
    await tf.setBackend('cpu');
    return 'cpu';
  })();
  return backendReady;
}

let current = 0;
const stopped = new Set<number>();
/** The answer for "yours" of each run, as it arrives from the page (the runner may answer before or after "yours" is due). */
const yours = new Map<number, { weights: Float32Array[] } | { failed: string }>();
const waiting = new Set<() => void>();
const wakeAll = () => {
  waiting.forEach((wake) => wake());
  waiting.clear();
};

async function yoursFor(runId: number, isStopped: () => boolean) {
  while (!yours.has(runId) && !isStopped()) await new Promise<void>((resolve) => waiting.add(resolve));
  return yours.get(runId);
}

self.onmessage = async (event: MessageEvent<ToTrainWorker>) => {
  const message = event.data;
  if (message.type === 'stop') {
    stopped.add(message.runId);
    wakeAll();
    return;
  }
  if (message.type === 'yours' || message.type === 'yours-failed') {
    if (message.runId !== current) return;
    yours.set(message.runId, message.type === 'yours' ? { weights: message.weights } : { failed: message.message });
    wakeAll();
    return;
  }
  const { runId, settings, inits } = message;
  current = runId;
  // The page sends "yours" after 'train': whatever is still here belongs to an earlier run (one that ended before its answer came).
  yours.clear();
  wakeAll();
  try {
    post({ type: 'backend', backend: await startBackend() });
    const dataset = await loadDataset(settings.dataset);
    const network = trainingNetwork(settings);
    const grid = settings.dataset === 'spirals' ? boundaryGrid() : undefined;
    const isStopped = () => stopped.has(runId) || current !== runId;
    for (const init of inits) {
      if (isStopped()) break;
      let weights: Float32Array[] | undefined;
      if (init === 'yours') {
        const answer = await yoursFor(runId, isStopped);
        if (!answer) break;
        if ('failed' in answer) {
          post({ type: 'init-done', runId, outcome: { init, steps: 0, stopped: false, wallMs: 0, failed: answer.failed } });
          continue;
        }
        weights = answer.weights;
      }
      const result = await train({
        network, dataset,
        ...(init === 'yours' ? { weights } : { initializer: initializerOf(init, settings.activation) }),
        optimizer: { kind: 'sgd', momentum: 0.9 },
        learningRate: settings.learningRate,
        batch: settings.batch,
        steps: settings.steps,
        seed: settings.seed,
        every: Math.max(1, Math.round(settings.steps / 60)),
        predict: grid,
        trackSymmetry: true,
        onPoint: (point) => post({ type: 'point', runId, init, point }),
        shouldStop: isStopped,
      });
      const { steps, diverged, stopped: wasStopped, wallMs, predictions } = result;
      post({ type: 'init-done', runId, outcome: { init, steps, diverged, stopped: wasStopped, wallMs, predictions } });
    }
    post({ type: 'done', runId, stopped: isStopped() });
  } catch (error) {
    post({ type: 'error', runId, message: error instanceof Error ? error.message : String(error) });
  } finally {
    yours.delete(runId);
  }
};

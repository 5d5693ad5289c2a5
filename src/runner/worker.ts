/**
 * The learner worker. Started by the sandbox frame from a blob: URL (so it has the frame's opaque
 * origin and inherits its CSP), it receives a MessagePort to the page and its start-up settings,
 * starts a TF.js backend, locks down its global scope, and then runs exactly one learner submission,
 * streaming layer statistics as the engine computes them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, webGpuDeviceLost, BackendUnavailableError } from './backends';
import { lockDownWorkerGlobals } from './lockdown';
import { evaluateLearnerModule, classifyError } from './learner-code';
import { runExercise } from './run-exercise';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

/** The dedicated worker's global scope (typed by hand: the project compiles against the DOM lib). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ port: MessagePort; init: WorkerInit }>) => void) | null;
};

let port: MessagePort | null = null;
const send = (message: FromWorker) => port?.postMessage(message);

scope.onmessage = async (event: MessageEvent<{ port: MessagePort; init: WorkerInit }>) => {
  if (port || !event.data?.port) return;
  port = event.data.port;
  scope.onmessage = null;
  const { init } = event.data;
  try {
    const started = await chooseBackend(init.candidates, init.auto, init.wasmBinaries);
    lockDownWorkerGlobals();
    port.onmessage = (message: MessageEvent<ToWorker>) => {
      if (message.data?.type === 'run') void handleRun(message.data);
    };
    send({ type: 'ready', report: started });
  } catch (error) {
    const tried = error instanceof BackendUnavailableError ? error.tried : [];
    send({ type: 'init-failed', tried, message: error instanceof Error ? error.message : String(error) });
  }
};

let ran = false;

async function handleRun(request: ToWorker): Promise<void> {
  // One submission per worker: the page gives every run a fresh one.
  if (ran) return;
  ran = true;
  const { runId } = request;
  let finished = false;
  const deviceLost = webGpuDeviceLost();
  void deviceLost?.then((message) => {
    if (finished) return;
    finished = true;
    send({ type: 'failed', runId, kind: 'device-lost', message });
  });

  let currentLayer: number | undefined;
  try {
    const initializer = evaluateLearnerModule(request.compiledJs);
    const { verdict, results } = await runExercise(request.exercise, {
      tf,
      initializer: (layer, tools) => {
        currentLayer = layer.index;
        return initializer(layer, tools);
      },
      onLayer: (network, networkIndex, phase, stats) => {
        currentLayer = undefined;
        if (!finished) send({ type: 'layer', runId, network, networkIndex, phase, stats });
      },
    });
    if (finished) return;
    finished = true;
    send({ type: 'done', runId, verdict, results });
  } catch (error) {
    // A lost device makes the failing call reject first; give the lost promise a moment to say so.
    if (deviceLost) await Promise.race([deviceLost, new Promise((r) => setTimeout(r, 50))]);
    if (finished) return;
    finished = true;
    const { kind, message } = classifyError(error);
    send({ type: 'failed', runId, kind, message, layer: currentLayer });
  }
}

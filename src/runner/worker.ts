/**
 * The learner worker. Started by the sandbox frame (opaque origin, the frame's CSP), it receives a
 * MessagePort to the page and its start-up settings, starts a TF.js backend, locks down its global
 * scope, and then runs exactly one learner submission with the engine's runExercise, streaming layer
 * statistics as they are computed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runExercise } from '../engine/exercise-run';
import { runLab } from '../engine/lab';
import type { NetworkSpec } from '../engine/types';
import { parseExercise, resolveNetwork } from '../engine/exercise-schema';
import { evaluateInitializerModule } from '../engine/learner-api';
import { chooseBackend, webGpuDeviceLost, BackendUnavailableError } from './backends';
import { lockDownWorkerGlobals } from './lockdown';
import { installAllocationBudget, type AllocationBudget } from './memory-budget';
import { classifyError, classifyFailure } from './learner-code';
import type { FromWorker, ToWorker, Verdict, WorkerInit } from './protocol';

/** The dedicated worker's global scope (typed by hand: the project compiles against the DOM lib). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ port: MessagePort; init: WorkerInit }>) => void) | null;
};

let port: MessagePort | null = null;
const send = (message: FromWorker) => port?.postMessage(message);

scope.onmessage = async (event) => {
  if (port || !event.data?.port) return;
  port = event.data.port;
  scope.onmessage = null;
  const { init } = event.data;
  try {
    const started = await chooseBackend(init.candidates, init.auto, init.wasmBinaries);
    await warmUp();
    lockDownWorkerGlobals();
    budget = installAllocationBudget();
    port.onmessage = (message: MessageEvent<ToWorker>) => {
      if (message.data?.type === 'run') void handleRun(message.data);
    };
    send({ type: 'ready', report: started });
  } catch (error) {
    const tried = error instanceof BackendUnavailableError ? error.tried : [];
    send({ type: 'init-failed', tried, message: error instanceof Error ? error.message : String(error) });
  }
};

/**
 * A tiny dense + conv network through the lab, forward and backward, before the worker reports ready:
 * the first use of each kernel (and of the engine's code) is slow, and this keeps it off the learner's
 * Run → first layer time.
 */
const WARM_UP_NETWORK: NetworkSpec = {
  name: 'warm-up',
  input: [12, 12, 3],
  layers: [
    { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { kind: 'flatten' },
    { kind: 'dense', units: 16, activation: 'relu' },
    { kind: 'dense', units: 16, activation: 'tanh' },
  ],
};

async function warmUp(): Promise<void> {
  await runLab({ network: WARM_UP_NETWORK, initializer: { name: 'he_normal' }, batch: 4, backward: true });
}

let ran = false;
let budget: AllocationBudget | null = null;

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

  try {
    const exercise = parseExercise(request.exercise, `exercise ${String((request.exercise as { id?: unknown })?.id ?? '(no id)')}`);
    const networkNames = exercise.networks.map((ref) => resolveNetwork(ref).name);
    const counted = budget!;
    const learnerInit = counted.counting(() => evaluateInitializerModule(request.compiledJs, 'your code', tf));
    const initializer: typeof learnerInit = (layer, tools) => counted.counting(() => learnerInit(layer, tools));
    const outcome = await runExercise(exercise, initializer, {
      onInitLayer: (layer, networkIndex) => send({ type: 'init-layer', runId, networkIndex, layer: layer.index, name: layer.name }),
      onLayer: (stats, phase, networkIndex) => {
        if (!finished) send({ type: 'layer', runId, network: networkNames[networkIndex], networkIndex, phase, stats });
      },
    });
    if (deviceLost) await settleDeviceLoss(deviceLost);
    if (finished) return;
    finished = true;
    if (outcome.error) {
      send({ type: 'failed', runId, kind: classifyFailure(outcome.message, outcome.error.kind), message: outcome.message, layer: outcome.error.layer, results: outcome.results });
      return;
    }
    const failing = outcome.verdicts.find((v) => !v.passed);
    const verdict: Verdict = {
      passed: outcome.passed,
      message: outcome.message,
      firstBadLayer: failing?.firstBadLayer,
      details: outcome.verdicts.flatMap((v) => v.details),
    };
    send({ type: 'done', runId, verdict, verdicts: outcome.verdicts, results: outcome.results });
  } catch (error) {
    // A lost device makes the failing call reject first; give the lost promise a moment to say so.
    if (deviceLost) await settleDeviceLoss(deviceLost);
    if (finished) return;
    finished = true;
    const { kind, message, layer } = classifyError(error);
    send({ type: 'failed', runId, kind, message, layer });
  }
}

function settleDeviceLoss(lost: Promise<string>): Promise<unknown> {
  return Promise.race([lost, new Promise((resolve) => setTimeout(resolve, 50))]);
}

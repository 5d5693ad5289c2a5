/**
 * The grader worker. Started by the sandbox frame (opaque origin, the frame's CSP) with a MessagePort to
 * the page, a MessagePort to the learner worker (learner-worker.ts, the learner's realm) and its start-up
 * settings, it starts the chosen TF.js backend and then grades exactly one submission with the engine's
 * one grading path, `gradeSubmission`, whose LearnerSource is the learner worker's port: only
 * `parseFromLearner`-checked messages in the expected order get through (a learner that sends anything
 * else, or more, is cut off), the engine validates the weights again and grades them, and the page gets
 * the streamed layer statistics and the verdict.
 * No learner code runs here: what the learner patches in its realm does not exist in this one.
 */
import { runLab } from '../engine/lab';
import type { NetworkSpec } from '../engine/types';
import { datasetFromFile } from '../engine/datasets';
import { parseExercise, resolveNetwork } from '../engine/exercise-schema';
import { weightLayers } from '../engine/networks';
import { gradeSubmission, learnerWeights } from '../engine/submission';
import { learnerPortSource } from './learner-port-source';
import { chooseBackend, webGpuDeviceLost, BackendUnavailableError } from './backends';
import { lockDownWorkerGlobals } from './lockdown';
import { describe, runErrorKind } from './learner-code';
import type { FromWorker, ToWorker, Verdict, WorkerInit } from './protocol';

/** The dedicated worker's global scope (typed by hand: the project compiles against the DOM lib). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ port: MessagePort; learnerPort: MessagePort; init: WorkerInit }>) => void) | null;
};

let port: MessagePort | null = null;
let learnerPort: MessagePort | null = null;
const send = (message: FromWorker, transfer: Transferable[] = []) => port?.postMessage(message, transfer);

scope.onmessage = async (event) => {
  if (port || !event.data?.port || !event.data.learnerPort) return;
  port = event.data.port;
  learnerPort = event.data.learnerPort;
  scope.onmessage = null;
  const { init } = event.data;
  try {
    const started = await chooseBackend(init.candidates, init.auto, init.wasmBinaries, init.calibration);
    await warmUp();
    lockDownWorkerGlobals();
    port.onmessage = (message: MessageEvent<ToWorker>) => {
      if (message.data?.type === 'run' || message.data?.type === 'weights') void handleRun(message.data);
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

  if (request.type === 'weights') {
    finished = true;
    await handleWeights(request);
    return;
  }
  try {
    const exercise = parseExercise(request.exercise, `exercise ${String((request.exercise as { id?: unknown })?.id ?? '(no id)')}`);
    const resolved = exercise.networks.map((ref) => resolveNetwork(ref));
    const networkNames = resolved.map((spec) => spec.name);
    const layerCounts = resolved.map((spec) => weightLayers(spec).length);
    const { trainingData } = request;
    const report = await gradeSubmission(exercise, learnerPortSource(learnerPort!, request.compiledJs, () => send({ type: 'learner-finished', runId })), {
      onInitLayer: (layer, networkIndex) => send({ type: 'init-layer', runId, network: networkNames[networkIndex], networkIndex, layer: layer.index, name: layer.name, layers: layerCounts[networkIndex] }),
      onLayer: (stats, phase, networkIndex) => {
        if (!finished) send({ type: 'layer', runId, network: networkNames[networkIndex], networkIndex, phase, stats });
      },
      onTrainPoint: (progress, networkIndex) => {
        if (!finished) send({ type: 'train-point', runId, networkIndex, ...progress });
      },
      loadDataset: async (name) => datasetFromFile(name, trainingData?.name === name ? { path: trainingData.path, bytes: new Uint8Array(trainingData.bytes) } : undefined),
    });
    if (deviceLost) await settleDeviceLoss(deviceLost);
    if (finished) return;
    finished = true;
    if (report.error) {
      send({ type: 'failed', runId, kind: runErrorKind(report.error.kind), message: report.message, layer: report.error.layer, results: report.results, checks: report.checks, training: report.training });
      return;
    }
    const failing = report.verdicts.find((v) => !v.passed);
    const verdict: Verdict = {
      passed: report.passed,
      message: report.message,
      firstBadLayer: failing?.firstBadLayer,
      details: report.verdicts.flatMap((v) => v.details),
    };
    send({ type: 'done', runId, verdict, verdicts: report.verdicts, results: report.results, checks: report.checks, training: report.training });
  } catch (error) {
    // A lost device makes the failing call reject first; give the lost promise a moment to say so.
    if (deviceLost) await settleDeviceLoss(deviceLost);
    if (finished) return;
    finished = true;
    send({ type: 'failed', runId, kind: 'runtime', message: `The grader failed: ${describe(error)}` });
  }
}

/** A 'weights' job: the learner's realm answers for the page's networks; the weights go back checked (no grading). */
async function handleWeights(request: ToWorker & { type: 'weights' }): Promise<void> {
  const { runId, compiledJs, seed, networks, timeLimitMs } = request;
  try {
    const result = await learnerWeights(learnerPortSource(learnerPort!, compiledJs, () => send({ type: 'learner-finished', runId })), { seed, networks }, {
      timeLimitMs,
      onInitLayer: (layer, networkIndex) => send({ type: 'init-layer', runId, network: networks[networkIndex].name, networkIndex, layer: layer.index, name: layer.name, layers: networks[networkIndex].layers.length }),
    });
    if ('error' in result) {
      send({ type: 'failed', runId, kind: runErrorKind(result.error.kind), message: result.error.message, layer: result.error.layer });
      return;
    }
    send({ type: 'weights', runId, weights: result.weights }, result.weights.flat().map((w) => w.buffer));
  } catch (error) {
    send({ type: 'failed', runId, kind: 'runtime', message: `The grader failed: ${describe(error)}` });
  }
}

function settleDeviceLoss(lost: Promise<string>): Promise<unknown> {
  return Promise.race([lost, new Promise((resolve) => setTimeout(resolve, 50))]);
}

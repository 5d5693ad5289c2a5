/**
 * The grader worker. Started by the sandbox frame (opaque origin, the frame's CSP) with a MessagePort to
 * the page, a MessagePort to the learner worker (learner-worker.ts, the learner's realm) and its start-up
 * settings, it starts the chosen TF.js backend and then grades exactly one submission: it sends the
 * learner's realm the job, accepts from it only `parseFromLearner`-checked messages in the expected order
 * (a learner that sends anything else, or more, is cut off), validates the weights again, runs the
 * exercise on them with the engine and sends the page the streamed layer statistics and the verdict.
 * No learner code runs here: what the learner patches in its realm does not exist in this one.
 */
import { runExercise } from '../engine/exercise-run';
import { runLab } from '../engine/lab';
import type { LayerInfo, NetworkSpec } from '../engine/types';
import { parseExercise, resolveNetwork, type Exercise } from '../engine/exercise-schema';
import { weightLayers } from '../engine/networks';
import { parseFromLearner, type FromLearner, type LearnerJob } from '../engine/realm-protocol';
import { LearnerError } from '../engine/learner-api';
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
const send = (message: FromWorker) => port?.postMessage(message);

scope.onmessage = async (event) => {
  if (port || !event.data?.port || !event.data.learnerPort) return;
  port = event.data.port;
  learnerPort = event.data.learnerPort;
  scope.onmessage = null;
  const { init } = event.data;
  try {
    const started = await chooseBackend(init.candidates, init.auto, init.wasmBinaries);
    await warmUp();
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

type LearnerAnswer = { kind: 'weights'; weights: Float32Array[][] } | { kind: 'failed'; message: FromWorker & { type: 'failed' } };

/**
 * Sends the learner's realm the job and collects its answer. Accepts exactly the expected sequence:
 * per layer a `layer-start` then its `weights`, then `learner-done`; or a `learner-error` at any point.
 * Anything else (an unknown or malformed message, a layer out of order, one message too many) ends
 * the exchange: the port is closed, so a flood stops here and never reaches the page.
 */
function collectWeights(runId: number, exercise: Exercise, compiledJs: string): Promise<LearnerAnswer> {
  const networks = exercise.networks.map((ref) => {
    const spec = resolveNetwork(ref);
    return { name: spec.name, layers: weightLayers(spec) };
  });
  const job: LearnerJob = { type: 'job', compiledJs, file: 'your code', seed: exercise.criteria.seed, networks };
  const weights: Float32Array[][] = networks.map(() => []);
  return new Promise((resolve) => {
    const learner = learnerPort!;
    let network = 0;
    let layer = 0; // index into networks[network].layers of the next layer to start
    let started = false;
    const finish = (answer: LearnerAnswer) => {
      learner.onmessage = null;
      learner.close();
      send({ type: 'learner-finished', runId });
      resolve(answer);
    };
    const reject = (why: string) =>
      finish({ kind: 'failed', message: { type: 'failed', runId, kind: 'runtime', message: `The grader stopped listening to your code: ${why}. Only the weights your initializer returns are accepted.` } });
    const current = (): LayerInfo | undefined => networks[network]?.layers[layer];
    learner.onmessage = (event: MessageEvent) => {
      const message: FromLearner | null = parseFromLearner(event.data);
      if (!message) return reject('it sent a message that is not part of the protocol');
      const expected = current();
      switch (message.type) {
        case 'layer-start':
          if (started || !expected || message.network !== network || message.layer !== expected.index) return reject('it started a layer out of order');
          started = true;
          send({ type: 'init-layer', runId, networkIndex: network, layer: expected.index, name: expected.name });
          return;
        case 'weights':
          if (!started || !expected || message.network !== network || message.layer !== expected.index) return reject('it sent weights out of order');
          weights[network].push(message.values);
          started = false;
          layer++;
          while (network < networks.length && layer >= networks[network].layers.length) {
            network++;
            layer = 0;
          }
          return;
        case 'learner-error':
          return finish({ kind: 'failed', message: { type: 'failed', runId, kind: runErrorKind(message.kind), message: message.message, layer: message.layer } });
        case 'learner-done':
          if (network < networks.length) return reject('it said it was done before every layer had weights');
          return finish({ kind: 'weights', weights });
      }
    };
    learner.postMessage(job);
  });
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

  try {
    const exercise = parseExercise(request.exercise, `exercise ${String((request.exercise as { id?: unknown })?.id ?? '(no id)')}`);
    const networkNames = exercise.networks.map((ref) => resolveNetwork(ref).name);
    const answer = await collectWeights(runId, exercise, request.compiledJs);
    if (answer.kind === 'failed') {
      finished = true;
      send(answer.message);
      return;
    }
    // The weights are data from an untrusted realm: the engine validates them again (length, finite)
    // as it would a learner initializer's return value, naming the layer.
    let network = 0;
    const outcome = await runExercise(exercise, (layer) => answer.weights[network][layer.index - 1], {
      onInitLayer: (_layer, networkIndex) => (network = networkIndex),
      onLayer: (stats, phase, networkIndex) => {
        if (!finished) send({ type: 'layer', runId, network: networkNames[networkIndex], networkIndex, phase, stats });
      },
    });
    if (deviceLost) await settleDeviceLoss(deviceLost);
    if (finished) return;
    finished = true;
    if (outcome.error) {
      send({ type: 'failed', runId, kind: runErrorKind(outcome.error.kind), message: outcome.message, layer: outcome.error.layer, results: outcome.results });
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
    if (error instanceof LearnerError) send({ type: 'failed', runId, kind: runErrorKind(error.kind), message: error.message, layer: error.layer });
    else send({ type: 'failed', runId, kind: 'runtime', message: `The grader failed: ${describe(error)}` });
  }
}

function settleDeviceLoss(lost: Promise<string>): Promise<unknown> {
  return Promise.race([lost, new Promise((resolve) => setTimeout(resolve, 50))]);
}

/**
 * The runner's public vocabulary and its wire messages.
 *
 * Public (what the exercise UI codes against, re-exported by client.ts):
 *   BackendName, BackendChoice, BackendReport, RunRequest, RunEvent, RunErrorKind, RunOutcome.
 * Wire (private to src/runner): the messages between the page (client.ts), the sandboxed
 * opaque-origin frame (sandbox-frame.ts) and the grader worker (worker.ts). The grader and the
 * learner's realm (learner-worker.ts) speak src/engine/realm-protocol.ts.
 *
 * Everything here is plain structured-cloneable data.
 */
import { validateLayerWeights } from '../engine/learner-api';
import type { DatasetName, LayerInfo, LayerStats, LabResult, Verdict, RunnableExercise, SubmissionCheck, TrainedNetwork, TrainPoint } from './engine-contract';

export type { LayerInfo, LayerStats, LabResult, Verdict, RunnableExercise, SubmissionCheck, TrainedNetwork, TrainPoint };

/** TF.js backends in the order `auto` tries them. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];
export type BackendChoice = BackendName | 'auto';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was not used, e.g. "navigator.gpu has no adapter" or "software adapter (swiftshader) skipped by auto". */
  reason?: string;
}

/** Which backend runs the learner's code, and what happened to the ones tried before it. */
export interface BackendReport {
  /** The backend in use. */
  name: BackendName;
  /** What was asked for. */
  requested: BackendChoice;
  /** Every backend tried, in order, ending with the one in use. */
  tried: BackendAttempt[];
  /** Details worth showing: WASM threads and SIMD, the WebGPU adapter, the WebGL renderer. */
  details: string;
  /** WASM only: threads in use (1 means single-threaded). */
  wasmThreads?: number;
  /** auto kept a GPU backend after timing it against WASM in this start (not from the browser's memory). */
  calibration?: GpuCalibration;
}

export interface RunRequest {
  /** The exercise as the UI loaded it (see engine-contract.ts): its networks, criteria, time limit. */
  exercise: RunnableExercise;
  /** The learner's file compiled to CommonJS-style JS: `exports.default = function init(layer, tools) {...}`. */
  compiledJs: string;
  /** Backend picker value; default 'auto'. A named backend that cannot start is reported, not replaced. */
  backend?: BackendChoice;
}

export type RunErrorKind =
  | 'compile' // the JS does not evaluate, or exports no initializer
  | 'runtime' // the initializer threw, or something else failed while running
  | 'timeout' // the time limit passed; the worker was terminated
  | 'memory' // learner code went over the allocation budget, or the sandbox died while it ran (out of memory); replaced
  | 'device-lost' // the WebGPU device was lost; the runner retries on the next backend
  | 'invalid-weights' // the initializer returned weights of the wrong size or with non-finite values
  | 'backend-unavailable'; // the backend chosen in the picker cannot start here (reason given)

export type RunEvent =
  | { type: 'backend'; report: BackendReport }
  /** A layer's statistics as soon as the engine has them: forward pass first, then backward (last layer first). */
  | { type: 'layer'; network: string; networkIndex: number; phase: 'forward' | 'backward'; stats: LayerStats }
  /** A training exercise's run, point by point: seed `seedIndex + 1` of `seeds`, at `point.step` of `steps`. */
  | { type: 'train-progress'; networkIndex: number; seed: number; seedIndex: number; seeds: number; steps: number; point: TrainPoint }
  | { type: 'verdict'; verdict: Verdict; verdicts: Verdict[]; results: LabResult[] }
  | { type: 'error'; kind: RunErrorKind; message: string; layer?: number };

/** What the page shows as it streams in, delivered at most once per animation frame. */
export type StreamedEvent = RunEvent & { type: 'layer' | 'train-progress' };

/**
 * Only the weights of a learner's initializer for networks of the page's choosing (the training widget's
 * "yours"), through the same sandbox, realm, checks and clock as a run.
 */
export interface WeightsRequest {
  compiledJs: string;
  /** Seeds the learner's `random`. */
  seed: number;
  networks: Array<{ name: string; layers: LayerInfo[] }>;
  timeLimitMs: number;
  /** Default 'wasm': the grader only checks the weights, the learner's realm has its own TF.js. */
  backend?: BackendChoice;
}

export type WeightsOutcome =
  | { status: 'done'; weights: Float32Array[][] }
  | { status: 'error'; error: { kind: RunErrorKind; message: string; layer?: number } }
  | { status: 'cancelled' };

export interface RunOutcome {
  status: 'passed' | 'failed' | 'error' | 'cancelled';
  /** The exercise's verdict: for several networks, the first failing network decides (engine's runExercise). */
  verdict?: Verdict;
  /** One verdict per network graded, in order. */
  verdicts?: Verdict[];
  /** One LabResult per network run, in order (also on an error, for the networks that completed). */
  results?: LabResult[];
  /** The grader's report, one entry per check (the engine's gradeSubmission), when the grader got that far. */
  checks?: SubmissionCheck[];
  /** A train criterion's curves, one per seed that ran, per network trained. */
  training?: TrainedNetwork[];
  error?: { kind: RunErrorKind; message: string; layer?: number };
  /** The backend that produced the outcome (undefined if none could start). */
  backend?: BackendName;
  backendReport?: BackendReport;
  /** Milliseconds from run() to the outcome. */
  elapsedMs: number;
  /** Milliseconds from run() to the first streamed layer (undefined if none streamed). */
  firstLayerMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Wire messages (private to src/runner).

/** Page → frame, once, through window.postMessage with a MessagePort for everything after. */
export const CONNECT_MESSAGE = 'initlab-runner-connect';

/** Page → frame over the control port. */
export type ToFrame =
  | {
      type: 'spawn';
      workerId: number;
      /**
       * Chromium treats a worker made from a blob: URL in an opaque origin as an insecure context
       * (no WebGPU) but lets it share the page's cross-origin isolation (WASM threads); a worker made
       * from a data: URL is a secure context (WebGPU) without cross-origin isolation. So GPU backends
       * run in a 'data' worker and WASM/CPU in a 'blob' worker; both have opaque origins and the frame's CSP.
       */
      flavour: WorkerFlavour;
      /** Source of the bundled grader worker (worker.ts); sent once, the frame keeps it. */
      workerSource?: string;
      /** Source of the bundled learner worker (learner-worker.ts); sent once, the frame keeps it. */
      learnerSource?: string;
      /** WASM binaries by file name; sent once, the frame keeps them for later workers. */
      wasmBinaries?: Record<string, ArrayBuffer>;
      /** Port for direct page ↔ grader worker traffic, handed to the grader worker. */
      port: MessagePort;
      /** The frame adds the wasm binaries it keeps. */
      init: Omit<WorkerInit, 'wasmBinaries'>;
    }
  /** Ends the grader worker and its learner worker. */
  | { type: 'terminate'; workerId: number }
  /** Ends only the learner worker (its weights are in): nothing it left running competes with grading. */
  | { type: 'stop-learner'; workerId: number }
  /** Liveness: the frame answers 'pong' (a frame whose process died, e.g. out of memory, never does). */
  | { type: 'ping'; seq: number };

/** Frame → page over the control port. */
export type FromFrame =
  | { type: 'frame-ready'; crossOriginIsolated: boolean }
  | { type: 'worker-error'; workerId: number; message: string }
  | { type: 'terminated'; workerId: number }
  | { type: 'pong'; seq: number };

export type WorkerFlavour = 'data' | 'blob';

export interface WorkerInit {
  /** Backends to try, in order; the first that starts is used. */
  candidates: BackendName[];
  /** Whether this is the automatic choice (which passes over software GPU implementations). */
  auto: boolean;
  wasmBinaries: Record<string, ArrayBuffer>;
  /** auto only: this browser's earlier calibration of a GPU backend (worker-pool.ts), used instead of timing it again. */
  calibration?: GpuCalibration;
}

/** A GPU backend that auto timed against WASM and kept, as remembered in the browser. */
export interface GpuCalibration {
  backend: BackendName;
  /** e.g. "3.1 ms per 512-wide layer vs 41.0 ms on WASM (1 thread)". */
  comparison: string;
  /** ISO date of the measurement. */
  measuredAt: string;
}

/**
 * The file of the dataset an exercise's train criterion trains on, fetched by the page (the sandbox's CSP
 * forbids fetch) and transferred to the grader worker only; the worker parses and validates it.
 */
export interface TrainingDataFile {
  name: DatasetName;
  /** Named in every error about the file. */
  path: string;
  bytes: ArrayBuffer;
}

/** Page → grader worker. */
export type ToWorker =
  | { type: 'run'; runId: number; exercise: RunnableExercise; compiledJs: string; trainingData?: TrainingDataFile }
  | { type: 'weights'; runId: number; compiledJs: string; seed: number; networks: WeightsRequest['networks']; timeLimitMs: number };

/** Grader worker → page. Nothing from the learner's realm reaches the page. */
export type FromWorker =
  | { type: 'ready'; report: Omit<BackendReport, 'requested'> }
  | { type: 'init-failed'; tried: BackendAttempt[]; message: string }
  /** The initializer is about to be asked for this weight layer (names the layer if time runs out). */
  | { type: 'init-layer'; runId: number; network: string; networkIndex: number; layer: number; name: string; layers: number }
  /** The learner's realm has answered (weights or an error) and is no longer needed. */
  | { type: 'learner-finished'; runId: number }
  | { type: 'layer'; runId: number; network: string; networkIndex: number; phase: 'forward' | 'backward'; stats: LayerStats }
  | { type: 'train-point'; runId: number; networkIndex: number; seed: number; seedIndex: number; seeds: number; steps: number; point: TrainPoint }
  | { type: 'done'; runId: number; verdict: Verdict; verdicts: Verdict[]; results: LabResult[]; checks: SubmissionCheck[]; training: TrainedNetwork[] }
  /** The answer to a 'weights' job: one validated array per weight layer per network (transferred). */
  | { type: 'weights'; runId: number; weights: Float32Array[][] }
  | { type: 'failed'; runId: number; kind: RunErrorKind; message: string; layer?: number; results?: LabResult[]; checks?: SubmissionCheck[]; training?: TrainedNetwork[] };

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isNumber = (value: unknown): value is number => typeof value === 'number';

/**
 * A grader worker's training point as the page accepts it: a fresh copy of exactly the fields it draws (counts
 * that are non-negative integers, seed index below the seed count, statistics that are numbers), or null.
 */
export function parseTrainPoint(msg: FromWorker & { type: 'train-point' }): StreamedEvent | null {
  const { networkIndex, seed, seedIndex, seeds, steps, point } = msg as Record<keyof typeof msg, unknown> & { point: unknown };
  if (![networkIndex, seed, seedIndex, seeds, steps].every(isCount) || (seedIndex as number) >= (seeds as number)) return null;
  if (!point || typeof point !== 'object') return null;
  const p = point as Record<string, unknown>;
  if (!isCount(p.step) || !isNumber(p.loss) || !isNumber(p.heldOutLoss) || !isNumber(p.heldOutAccuracy) || !Array.isArray(p.layers)) return null;
  const layers: TrainPoint['layers'] = [];
  for (const layer of p.layers as unknown[]) {
    const l = layer as Record<string, unknown> | null;
    if (!l || !isNumber(l.gradNorm) || !isNumber(l.updateRatio)) return null;
    layers.push({ gradNorm: l.gradNorm, updateRatio: l.updateRatio });
  }
  return {
    type: 'train-progress', networkIndex: networkIndex as number, seed: seed as number, seedIndex: seedIndex as number, seeds: seeds as number, steps: steps as number,
    point: { step: p.step, loss: p.loss, heldOutLoss: p.heldOutLoss, heldOutAccuracy: p.heldOutAccuracy, layers },
  };
}

/**
 * The weights a 'weights' job answered, checked against the layers asked for: one array per weight layer per
 * network, each passing the engine's own check of a learner's layer (a Float32Array of exactly the layer's size,
 * all finite). Returns why not, or null when they are.
 */
export function weightsProblem(weights: unknown, networks: WeightsRequest['networks']): string | null {
  if (!Array.isArray(weights) || weights.length !== networks.length) return `expected the weights of ${networks.length} network(s)`;
  for (let n = 0; n < networks.length; n++) {
    const arrays = weights[n] as unknown;
    const { layers } = networks[n];
    if (!Array.isArray(arrays) || arrays.length !== layers.length) return `expected ${layers.length} weight arrays for ${networks[n].name}`;
    try {
      layers.forEach((layer, i) => validateLayerWeights(arrays[i], layer));
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  return null;
}

/**
 * One run on one grader worker: sends the job, enforces the time limit, bounds what the page accepts
 * from the worker, coalesces the streamed layers to one delivery per animation frame, and turns what
 * ended the run (verdict, learner error, time-out, crash) into one Attempt.
 */
import { timeoutMessage } from '../engine/realm-protocol';
import type { FromWorker, LabResult, RunErrorKind, RunEvent, RunOutcome, RunRequest, SubmissionCheck, ToWorker, TrainingDataFile } from './protocol';
import { formatSeconds, type Crash, type GraderWorker } from './sandbox-host';

export type Attempt =
  | { kind: 'done'; msg: FromWorker & { type: 'done' } }
  | { kind: 'error'; error: NonNullable<RunOutcome['error']>; results?: LabResult[]; checks?: SubmissionCheck[] }
  | { kind: 'cancelled' };

/**
 * Far above what any exercise needs (an init-layer and a forward and a backward layer per weight layer,
 * AlexNet has 8 and the deepest exercise 50): a worker that sends more is dropped, not listened to.
 */
export const MAX_MESSAGES_PER_RUN = 5_000;
/** Streamed layers are delivered at least this often when no animation frame comes (a background tab). */
const FLUSH_FALLBACK_MS = 250;

export interface AttemptControls {
  /** Ends the attempt as cancelled. */
  cancel(): void;
  finished: Promise<Attempt>;
}

export function runAttempt(
  worker: GraderWorker,
  request: RunRequest,
  timeLimitMs: number,
  emitLayers: (events: Array<RunEvent & { type: 'layer' }>) => void,
  stopLearner: () => void,
  /** The train criterion's data file, transferred to the grader worker (the caller keeps no use of it). */
  trainingData?: TrainingDataFile,
): AttemptControls {
  let cancel = () => {};
  const finished = new Promise<Attempt>((resolve) => {
    const runId = worker.id;
    let settled = false;
    let received = 0;
    let initializing: (FromWorker & { type: 'init-layer' }) | null = null;
    let learnerFinished = false;
    let pending: Array<RunEvent & { type: 'layer' }> = [];
    let frameRequest: number | null = null;
    let fallbackTimer: ReturnType<typeof setTimeout> | null = null;

    const flush = () => {
      if (frameRequest !== null) cancelAnimationFrame(frameRequest);
      if (fallbackTimer !== null) clearTimeout(fallbackTimer);
      frameRequest = fallbackTimer = null;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      emitLayers(batch);
    };
    const queueLayer = (event: RunEvent & { type: 'layer' }) => {
      pending.push(event);
      if (frameRequest !== null) return;
      frameRequest = requestAnimationFrame(flush);
      fallbackTimer = setTimeout(flush, FLUSH_FALLBACK_MS);
    };
    const settle = (value: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.onRunMessage = null;
      worker.onCrash = null;
      if (value.kind === 'cancelled') pending = [];
      flush();
      resolve(value);
    };
    const fail = (kind: RunErrorKind, message: string, layer?: number, results?: LabResult[], checks?: SubmissionCheck[]) =>
      settle({ kind: 'error', error: { kind, message, layer }, results, checks });

    const timer = setTimeout(() => {
      if (learnerFinished) {
        fail('timeout', `stopped after the time limit of ${formatSeconds(timeLimitMs)} while grading: your initializer had returned every layer, but this backend is too slow for the exercise; try another backend`);
        return;
      }
      const where = initializing ? { layer: initializing.layer, layerName: initializing.name, network: request.exercise.networks.length > 1 ? initializing.network : undefined } : undefined;
      fail('timeout', timeoutMessage(timeLimitMs, where), initializing?.layer);
    }, timeLimitMs);
    cancel = () => settle({ kind: 'cancelled' });
    worker.onCrash = (crash: Crash) => fail(crash.cause === 'frame-died' ? 'memory' : 'runtime', crashMessage(crash));
    worker.onRunMessage = (msg) => {
      if (!('runId' in msg) || msg.runId !== runId) return;
      if (++received > MAX_MESSAGES_PER_RUN) {
        fail('runtime', `The runner sent more than ${MAX_MESSAGES_PER_RUN} messages for one run and was stopped.`);
        return;
      }
      switch (msg.type) {
        case 'init-layer':
          initializing = msg;
          return;
        case 'learner-finished':
          learnerFinished = true;
          initializing = null;
          stopLearner();
          return;
        case 'layer':
          queueLayer({ type: 'layer', network: msg.network, networkIndex: msg.networkIndex, phase: msg.phase, stats: msg.stats });
          return;
        case 'done':
          settle({ kind: 'done', msg });
          return;
        case 'failed':
          fail(msg.kind, msg.message, msg.layer, msg.results, msg.checks);
          return;
      }
    };
    const message: ToWorker = { type: 'run', runId, exercise: request.exercise, compiledJs: request.compiledJs, trainingData };
    worker.port.postMessage(message, trainingData ? [trainingData.bytes] : []);
  });
  return { cancel: () => cancel(), finished };
}

function crashMessage(crash: Crash): string {
  switch (crash.cause) {
    case 'frame-died':
      return 'The sandbox running your code stopped answering and was restarted. Its process ends when it runs out of memory: does your code keep filling arrays or objects?';
    case 'worker-error':
      return `The runner's worker stopped: ${crash.message}. It was restarted.`;
    default:
      return `The runner was stopped: ${crash.message}.`;
  }
}

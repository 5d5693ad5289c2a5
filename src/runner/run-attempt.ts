/**
 * One run on one grader worker: sends the job, enforces the time limit, bounds what the page accepts
 * from the worker, coalesces the streamed layers and training points to one delivery per animation frame,
 * and turns what ended the run (verdict, weights, learner error, time-out, crash) into one Attempt.
 */
import { InitializerClock, timeoutMessage } from '../engine/realm-protocol';
import { parseTrainPoint, type FromWorker, type LabResult, type RunErrorKind, type RunOutcome, type StreamedEvent, type SubmissionCheck, type ToWorker, type TrainedNetwork } from './protocol';
import { formatSeconds, type Crash, type GraderWorker } from './sandbox-host';

export type Attempt =
  | { kind: 'done'; msg: FromWorker & { type: 'done' } }
  | { kind: 'weights'; weights: unknown }
  | { kind: 'error'; error: NonNullable<RunOutcome['error']>; results?: LabResult[]; checks?: SubmissionCheck[]; training?: TrainedNetwork[] }
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

/** What the grader worker is asked to do: a run of an exercise, or only a learner's weights. */
export type AttemptJob = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'runId'> : never) : never;

export function runAttempt(
  worker: GraderWorker,
  job: AttemptJob,
  timeLimitMs: number,
  emitStreamed: (events: StreamedEvent[]) => void,
  stopLearner: () => void,
): AttemptControls {
  let cancel = () => {};
  const finished = new Promise<Attempt>((resolve) => {
    const runId = worker.id;
    let settled = false;
    let received = 0;
    let initializing: (FromWorker & { type: 'init-layer' }) | null = null;
    // The worker asks for a network's layers in order, so the next layer's start is the previous one's return.
    const clock = new InitializerClock();
    let learnerFinished = false;
    let pending: StreamedEvent[] = [];
    let frameRequest: number | null = null;
    let fallbackTimer: ReturnType<typeof setTimeout> | null = null;

    const flush = () => {
      if (frameRequest !== null) cancelAnimationFrame(frameRequest);
      if (fallbackTimer !== null) clearTimeout(fallbackTimer);
      frameRequest = fallbackTimer = null;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      emitStreamed(batch);
    };
    const queue = (event: StreamedEvent) => {
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
    const fail = (kind: RunErrorKind, message: string, layer?: number, results?: LabResult[], checks?: SubmissionCheck[], training?: TrainedNetwork[]) =>
      settle({ kind: 'error', error: { kind, message, layer }, results, checks, training });

    const timer = setTimeout(() => {
      if (learnerFinished) {
        fail('timeout', `stopped after the time limit of ${formatSeconds(timeLimitMs)} while grading: your initializer had returned every layer, but this backend is too slow for the exercise; try another backend`);
        return;
      }
      const networkCount = job.type === 'run' ? job.exercise.networks.length : job.networks.length;
      const where = initializing ? {
        layer: initializing.layer, layerName: initializing.name, network: networkCount > 1 ? initializing.network : undefined,
        pace: clock.paceOf(initializing.networkIndex, initializing.layers),
      } : undefined;
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
          if (initializing?.networkIndex === msg.networkIndex) clock.layerReturned(msg.networkIndex);
          clock.layerStarted(msg.networkIndex);
          initializing = msg;
          return;
        case 'learner-finished':
          learnerFinished = true;
          initializing = null;
          stopLearner();
          return;
        case 'layer':
          queue({ type: 'layer', network: msg.network, networkIndex: msg.networkIndex, phase: msg.phase, stats: msg.stats });
          return;
        case 'train-point': {
          const event = parseTrainPoint(msg);
          if (event) queue(event);
          else fail('runtime', 'The runner sent a training point that is not part of the protocol and was stopped.');
          return;
        }
        case 'done':
          settle({ kind: 'done', msg });
          return;
        case 'weights':
          settle({ kind: 'weights', weights: msg.weights });
          return;
        case 'failed':
          fail(msg.kind, msg.message, msg.layer, msg.results, msg.checks, msg.training);
          return;
      }
    };
    const message = { ...job, runId } as ToWorker;
    const trainingData = message.type === 'run' ? message.trainingData : undefined;
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

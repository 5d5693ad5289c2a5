/**
 * The runner, page side: runs a learner's compiled initializer against an exercise, off the main
 * thread and isolated from the page, and streams what happens.
 *
 * ```ts
 * import { createRunner } from '~/runner/client';
 * const runner = createRunner();
 * runner.prewarm('auto');                       // optional: start TF.js before the learner presses Run
 * const outcome = await runner.run(
 *   { exercise, compiledJs, backend: 'auto' },  // exercise: the exercise.json data; compiledJs: CommonJS JS
 *   (event) => { ... },                         // 'backend' | 'layer' (as computed) | 'verdict' | 'error'
 * );
 * const w = await runner.weights({ compiledJs, seed, networks, timeLimitMs }); // only the learner's weights
 * runner.cancel();                              // stop the current run: its worker is terminated and replaced
 * runner.dispose();                             // remove the sandbox frame and every worker
 * ```
 *
 * Guarantees:
 * - Each run gets its own fresh worker (started ahead of time and kept warm), so nothing one run
 *   does to its global scope survives into the next.
 * - `run` always resolves (never rejects) to a RunOutcome; every failure is also sent as an
 *   'error' event first. A second `run` while one is in flight cancels the first.
 * - Time limit: `exercise.timeLimitMs`, else `createRunner({ timeLimitMs })`, else 20 s, counted from
 *   the moment the warm worker receives the code. Past it the worker is terminated ('timeout').
 * - A WebGPU device loss ('device-lost' event) makes the runner retry the run once on the next
 *   backend; later runs of this runner skip WebGPU.
 *
 * - Streamed layers are delivered at most once per animation frame (several per call when they come
 *   fast), and a worker that sends more than the page accepts is dropped.
 *
 * Isolation: the learner's code runs in a worker of its own (learner-worker.ts) that talks only to the
 * grader worker (worker.ts), which sends the page the verdict (and alone gets a training exercise's data
 * file, which the page fetches for it); see sandbox-frame.ts for the opaque-origin
 * frame + CSP that hosts both, lockdown.ts and memory-budget.ts for the learner realm's guards.
 *
 * Parts: sandbox-host.ts (the frame and its workers), worker-pool.ts (backend selection, warm workers),
 * run-attempt.ts (one run: time limit, bounds, streaming); this file orchestrates runs.
 */
import {
  BACKEND_ORDER,
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
  type BackendReport,
  type RunEvent,
  type RunOutcome,
  type RunRequest,
  type TrainingDataFile,
  type WeightsOutcome,
  type WeightsRequest,
  weightsProblem,
} from './protocol';
import { readDatasetFile } from '../data/load';
import type { DatasetFile } from '../engine/datasets';
import { WorkerPool } from './worker-pool';
import { runAttempt } from './run-attempt';

export * from './protocol';

export interface Runner {
  /** Runs the learner's code; resolves when a verdict or an error is in. Never rejects. */
  run(request: RunRequest, onEvent: (event: RunEvent) => void): Promise<RunOutcome>;
  /**
   * Runs the learner's initializer in the sandbox only to get its weights for these networks (no grading):
   * the same learner realm, checks and time limit as `run`. Resolves to the weights (checked again here:
   * one finite Float32Array of the right size per layer), the learner's error, or 'cancelled' when
   * `signal` aborts. Never rejects; does not cancel a run in flight.
   */
  weights(request: WeightsRequest, signal?: AbortSignal): Promise<WeightsOutcome>;
  /** Starts (or keeps) a warm worker for this backend choice; resolves to its backend report, or rejects with why it cannot start. */
  prewarm(backend?: BackendChoice): Promise<BackendReport>;
  /** Stops the current run (its outcome is 'cancelled'); the worker is terminated and replaced. */
  cancel(): void;
  /** Removes the sandbox frame and every worker. The runner cannot be used afterwards. */
  dispose(): void;
}

export interface RunnerOptions {
  /** Time limit when the exercise has none. */
  timeLimitMs?: number;
  /** How long a worker may take to start its backend before the attempt counts as failed. */
  startupLimitMs?: number;
  /** Where to put the hidden sandbox frame (default document.body). */
  container?: HTMLElement;
}

export const DEFAULT_TIME_LIMIT_MS = 20_000;
const DEFAULT_STARTUP_LIMIT_MS = 60_000;

export function createRunner(options: RunnerOptions = {}): Runner {
  const pool = new WorkerPool(options.container ?? document.body, options.startupLimitMs ?? DEFAULT_STARTUP_LIMIT_MS);
  let cancelActive: (() => void) | null = null;

  const run: Runner['run'] = async (request, onEvent) => {
    cancelActive?.();
    const started = performance.now();
    const choice = request.backend ?? 'auto';
    const timeLimitMs = request.exercise.timeLimitMs ?? options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    let firstLayerMs: number | undefined;
    let report: BackendReport | undefined;
    const emit = (event: RunEvent) => {
      try {
        onEvent(event);
      } catch (error) {
        console.error('initlab runner: onEvent threw', error);
      }
    };
    const finish = (outcome: Omit<RunOutcome, 'elapsedMs' | 'firstLayerMs' | 'backend' | 'backendReport'>): RunOutcome => {
      if (outcome.error) emit({ type: 'error', ...outcome.error });
      return { ...outcome, backend: report?.name, backendReport: report, elapsedMs: performance.now() - started, firstLayerMs };
    };
    if (pool.isDisposed) return finish({ status: 'error', error: { kind: 'runtime', message: 'This runner was disposed.' } });

    // The grader worker cannot fetch (sandbox CSP): the page reads the train criterion's data file for it.
    const dataset = request.exercise.criteria.train?.dataset;
    let dataFile: DatasetFile | undefined;
    if (dataset) {
      let cancelled = false;
      cancelActive = () => (cancelled = true);
      try {
        dataFile = await readDatasetFile(dataset);
      } catch (error) {
        if (!cancelled) return finish({ status: 'error', error: { kind: 'runtime', message: `The training data could not be loaded: ${error instanceof Error ? error.message : String(error)}` } });
      }
      cancelActive = null;
      if (cancelled) return finish({ status: 'cancelled' });
    }
    // A copy per attempt: the buffer is transferred, and a retry on another backend needs it again.
    const trainingData = (): TrainingDataFile | undefined =>
      dataset && dataFile ? { name: dataset, path: dataFile.path, bytes: dataFile.bytes.slice().buffer } : undefined;

    let attemptChoice: BackendChoice = choice;
    const lostBefore: BackendAttempt[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      let cancelled = false;
      cancelActive = () => (cancelled = true);
      const startedWorker = await pool.take(attemptChoice);
      cancelActive = null;
      if (cancelled || pool.isDisposed) {
        if (startedWorker.kind === 'ready') pool.retire(startedWorker.worker);
        return finish({ status: 'cancelled' });
      }
      if (startedWorker.kind === 'failed') {
        void pool.keepWarm(choice);
        return finish({ status: 'error', error: { kind: 'backend-unavailable', message: startedWorker.message } });
      }
      const { worker } = startedWorker;
      report = { ...startedWorker.report, requested: choice, tried: [...lostBefore, ...startedWorker.report.tried] };
      emit({ type: 'backend', report });

      pool.watch(worker, true);
      const controls = runAttempt(
        worker,
        { type: 'run', exercise: request.exercise, compiledJs: request.compiledJs, trainingData: trainingData() },
        timeLimitMs,
        (events) => {
          if (events.some((e) => e.type === 'layer')) firstLayerMs ??= performance.now() - started;
          for (const event of events) emit(event);
        },
        () => worker.frame.stopLearner(worker.id),
      );
      cancelActive = controls.cancel;
      const result = await controls.finished;
      cancelActive = null;
      pool.watch(worker, false);
      pool.retire(worker);
      if (result.kind === 'error' && result.error.kind === 'device-lost' && attempt === 0) {
        pool.excluded.add(report.name);
        lostBefore.push({ name: report.name, ok: false, reason: result.error.message });
        emit({ type: 'error', ...result.error });
        attemptChoice = 'auto';
        continue;
      }
      void pool.keepWarm(choice);
      if (result.kind === 'cancelled') return finish({ status: 'cancelled' });
      if (result.kind === 'error') return finish({ status: 'error', error: result.error, results: result.results, checks: result.checks, training: result.training });
      if (result.kind !== 'done') return finish({ status: 'error', error: { kind: 'runtime', message: 'The runner answered a run with weights.' } });
      const { verdict, verdicts, results, checks, training } = result.msg;
      emit({ type: 'verdict', verdict, verdicts, results });
      return finish({ status: verdict.passed ? 'passed' : 'failed', verdict, verdicts, results, checks, training });
    }
    return finish({ status: 'error', error: { kind: 'device-lost', message: 'The GPU device was lost twice.' } });
  };

  const weights: Runner['weights'] = async (request, signal) => {
    if (pool.isDisposed) return { status: 'error', error: { kind: 'runtime', message: 'This runner was disposed.' } };
    if (signal?.aborted) return { status: 'cancelled' };
    const startedWorker = await pool.take(request.backend ?? 'wasm');
    if (signal?.aborted || pool.isDisposed) {
      if (startedWorker.kind === 'ready') pool.retire(startedWorker.worker);
      return { status: 'cancelled' };
    }
    if (startedWorker.kind === 'failed') return { status: 'error', error: { kind: 'backend-unavailable', message: startedWorker.message } };
    const { worker } = startedWorker;
    pool.watch(worker, true);
    const { compiledJs, seed, networks, timeLimitMs } = request;
    const controls = runAttempt(worker, { type: 'weights', compiledJs, seed, networks, timeLimitMs }, timeLimitMs, () => {}, () => worker.frame.stopLearner(worker.id));
    const onAbort = () => controls.cancel();
    signal?.addEventListener('abort', onAbort);
    const result = await controls.finished;
    signal?.removeEventListener('abort', onAbort);
    pool.watch(worker, false);
    pool.retire(worker);
    if (result.kind === 'cancelled') return { status: 'cancelled' };
    if (result.kind === 'error') return { status: 'error', error: result.error };
    const problem = result.kind === 'weights' ? weightsProblem(result.weights, networks) : 'the runner answered with a verdict';
    if (problem) return { status: 'error', error: { kind: 'invalid-weights', message: `The runner's weights were rejected: ${problem}.` } };
    return { status: 'done', weights: (result as { weights: Float32Array[][] }).weights };
  };

  const prewarm: Runner['prewarm'] = async (backend = 'auto') => {
    const warming = pool.keepWarm(backend);
    if (!warming) throw new Error('This runner was disposed.');
    const started = await warming;
    if (started.kind === 'failed') {
      pool.forgetFailed(backend);
      throw new Error(started.message);
    }
    return started.report;
  };

  return {
    run,
    weights,
    prewarm,
    cancel() {
      cancelActive?.();
    },
    dispose() {
      cancelActive?.();
      pool.dispose();
    },
  };
}

/** For the backend picker: every name, in the order auto tries them. */
export const BACKENDS: readonly BackendName[] = BACKEND_ORDER;

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
 * Isolation: see sandbox-frame.ts (opaque-origin frame + CSP) and worker.ts (global lockdown).
 */
/// <reference types="astro/client" />
import workerScriptUrl from './worker.ts?worker&url';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { sandboxSrcdoc } from './sandbox-frame';
import {
  BACKEND_ORDER,
  CONNECT_MESSAGE,
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
  type BackendReport,
  type FromFrame,
  type FromWorker,
  type LabResult,
  type RunErrorKind,
  type RunEvent,
  type RunOutcome,
  type RunRequest,
  type ToFrame,
  type ToWorker,
  type WorkerFlavour,
  type WorkerInit,
} from './protocol';

export * from './protocol';

export interface Runner {
  /** Runs the learner's code; resolves when a verdict or an error is in. Never rejects. */
  run(request: RunRequest, onEvent: (event: RunEvent) => void): Promise<RunOutcome>;
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
/** If the frame does not confirm a termination within this, the whole frame is replaced. */
const TERMINATE_CONFIRM_MS = 1_000;

const WASM_FILES: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

/** Fetched once per page: the bundled worker source and the WASM binaries (same-origin fetches by the page). */
let assetsPromise: Promise<{ workerSource: string; wasmBinaries: Record<string, ArrayBuffer> }> | null = null;
function loadAssets() {
  assetsPromise ??= (async () => {
    const fetchOk = async (url: string) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
      return response;
    };
    const [workerSource, ...binaries] = await Promise.all([
      fetchOk(workerScriptUrl).then((r) => r.text()),
      ...Object.values(WASM_FILES).map((url) => fetchOk(url).then((r) => r.arrayBuffer())),
    ]);
    // `astro dev` serves the worker as an unbundled ES module, which cannot be started from the
    // sandbox's opaque origin; the built site (astro build + preview, or any static host) bundles it.
    if (/^\s*import[\s{*"']/m.test(workerSource as string)) {
      throw new Error('the code runner needs the built site: run `npm run build` and `npm run preview` (astro dev does not bundle the runner worker)');
    }
    const wasmBinaries: Record<string, ArrayBuffer> = {};
    Object.keys(WASM_FILES).forEach((name, i) => (wasmBinaries[name] = binaries[i] as ArrayBuffer));
    return { workerSource: workerSource as string, wasmBinaries };
  })();
  assetsPromise.catch(() => (assetsPromise = null));
  return assetsPromise;
}

/** The hidden opaque-origin frame and its control channel. */
class SandboxFrame {
  readonly iframe: HTMLIFrameElement;
  readonly ready: Promise<{ crossOriginIsolated: boolean }>;
  private control: MessagePort | null = null;
  private assetsSent = false;
  private readonly terminations = new Map<number, () => void>();

  constructor(
    container: HTMLElement,
    private readonly onWorkerError: (workerId: number, message: string) => void,
  ) {
    const nonce = randomNonce();
    this.iframe = document.createElement('iframe');
    this.iframe.setAttribute('sandbox', 'allow-scripts');
    // Lets the frame (and so the WASM backend's threads) share the page's cross-origin isolation.
    this.iframe.setAttribute('allow', 'cross-origin-isolated');
    this.iframe.setAttribute('aria-hidden', 'true');
    this.iframe.tabIndex = -1;
    this.iframe.title = 'initlab code runner';
    this.iframe.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    this.iframe.srcdoc = sandboxSrcdoc(nonce);
    this.ready = new Promise((resolve, reject) => {
      this.iframe.addEventListener('load', () => {
        const channel = new MessageChannel();
        this.control = channel.port1;
        channel.port1.onmessage = (event: MessageEvent<FromFrame>) => {
          const msg = event.data;
          if (msg.type === 'frame-ready') resolve({ crossOriginIsolated: msg.crossOriginIsolated });
          else if (msg.type === 'worker-error') this.onWorkerError(msg.workerId, msg.message);
          else if (msg.type === 'terminated') this.terminations.get(msg.workerId)?.();
        };
        // An opaque origin can only be addressed with '*'; the port makes the rest private.
        this.iframe.contentWindow?.postMessage(CONNECT_MESSAGE, '*', [channel.port2]);
      }, { once: true });
      setTimeout(() => reject(new Error('the sandbox frame did not start')), 10_000);
    });
    container.appendChild(this.iframe);
  }

  async spawn(workerId: number, flavour: WorkerFlavour, port: MessagePort, init: Omit<WorkerInit, 'wasmBinaries'>): Promise<void> {
    const [assets] = await Promise.all([loadAssets(), this.ready]);
    const message: ToFrame = { type: 'spawn', workerId, flavour, port, init };
    if (!this.assetsSent) {
      message.workerSource = assets.workerSource;
      message.wasmBinaries = assets.wasmBinaries;
      this.assetsSent = true;
    }
    this.control!.postMessage(message, [port]);
  }

  /** Resolves true once the frame confirms the worker is gone, false if it did not answer in time. */
  terminate(workerId: number): Promise<boolean> {
    if (!this.control) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.terminations.delete(workerId);
        resolve(false);
      }, TERMINATE_CONFIRM_MS);
      this.terminations.set(workerId, () => {
        clearTimeout(timer);
        this.terminations.delete(workerId);
        resolve(true);
      });
      this.control!.postMessage({ type: 'terminate', workerId } satisfies ToFrame);
    });
  }

  remove(): void {
    this.control?.close();
    this.iframe.remove();
  }
}

type WorkerState =
  | { kind: 'ready'; report: Omit<BackendReport, 'requested'> }
  | { kind: 'failed'; message: string; tried: BackendAttempt[]; timedOut?: boolean };

/** One learner worker: started ahead of time for a list of candidate backends, used for exactly one run. */
class LearnerWorker {
  readonly port: MessagePort;
  readonly ready: Promise<WorkerState>;
  private resolveReady!: (state: WorkerState) => void;
  /** Set while a run is using this worker. */
  onRunMessage: ((msg: FromWorker) => void) | null = null;
  onCrash: ((message: string) => void) | null = null;
  retired = false;

  constructor(
    readonly id: number,
    plan: WorkerPlan,
    auto: boolean,
    frame: SandboxFrame,
    startupLimitMs: number,
  ) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    const startupTimer = setTimeout(() => this.fail(`did not start within ${formatSeconds(startupLimitMs)}`, plan.candidates, true), startupLimitMs);
    this.port.onmessage = (event: MessageEvent<FromWorker>) => {
      const msg = event.data;
      if (msg.type === 'ready') {
        clearTimeout(startupTimer);
        this.resolveReady({ kind: 'ready', report: msg.report });
      } else if (msg.type === 'init-failed') {
        clearTimeout(startupTimer);
        this.resolveReady({ kind: 'failed', message: msg.message, tried: msg.tried });
      } else {
        this.onRunMessage?.(msg);
      }
    };
    frame.spawn(this.id, plan.flavour, channel.port2, { candidates: plan.candidates, auto }).catch((error) => {
      clearTimeout(startupTimer);
      this.fail(`the runner could not start: ${errorText(error)}`, plan.candidates);
    });
  }

  private fail(message: string, candidates: BackendName[], timedOut = false): void {
    this.resolveReady({ kind: 'failed', message, tried: candidates.map((name) => ({ name, ok: false, reason: message })), timedOut });
  }

  crashed(message: string): void {
    this.fail(message, []);
    this.onCrash?.(message);
  }
}

/** Which worker flavour hosts which backends (see WorkerFlavour in protocol.ts). */
interface WorkerPlan {
  flavour: WorkerFlavour;
  candidates: BackendName[];
}
const GPU_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl'];

function plansFor(choice: BackendChoice, excluded: ReadonlySet<BackendName>): WorkerPlan[] {
  if (choice !== 'auto') return [{ flavour: GPU_BACKENDS.includes(choice) ? 'data' : 'blob', candidates: [choice] }];
  const allowed = BACKEND_ORDER.filter((name) => !excluded.has(name));
  return [
    { flavour: 'data' as const, candidates: allowed.filter((name) => GPU_BACKENDS.includes(name)) },
    { flavour: 'blob' as const, candidates: allowed.filter((name) => !GPU_BACKENDS.includes(name)) },
  ].filter((plan) => plan.candidates.length > 0);
}

type Started =
  | { kind: 'ready'; worker: LearnerWorker; report: BackendReport }
  | { kind: 'failed'; message: string; tried: BackendAttempt[] };

/** A worker being started for one backend choice, kept until a run takes it. */
interface WarmSlot {
  choice: BackendChoice;
  excludedKey: string;
  started: Promise<Started>;
  /** Set once `started` has settled. */
  settled?: Started;
}

/**
 * Why the GPU backends could not start in this page, once auto has found out: later auto starts
 * go straight to the WASM worker (the GPU's availability does not change while the page is open).
 */
let gpuUnavailable: BackendAttempt[] | null = null;
/** The backend 'auto' started last in this page, so a warm worker for that backend can serve 'auto' too. */
let autoResolvesTo: BackendName | null = null;

export function createRunner(options: RunnerOptions = {}): Runner {
  const startupLimitMs = options.startupLimitMs ?? DEFAULT_STARTUP_LIMIT_MS;
  let frame: SandboxFrame | null = null;
  let nextWorkerId = 1;
  let warm: WarmSlot | null = null;
  const workers = new Map<number, LearnerWorker>();
  /** Backends that failed at run time (device loss); auto skips them from then on. */
  const excluded = new Set<BackendName>();
  let cancelActive: (() => void) | null = null;
  let disposed = false;

  const getFrame = () => {
    frame ??= new SandboxFrame(options.container ?? document.body, (workerId, message) => workers.get(workerId)?.crashed(message));
    return frame;
  };

  const retire = (worker: LearnerWorker) => {
    if (worker.retired) return;
    worker.retired = true;
    worker.onRunMessage = null;
    worker.onCrash = null;
    workers.delete(worker.id);
    worker.port.close();
    const owningFrame = frame;
    if (!owningFrame) return;
    void owningFrame.terminate(worker.id).then((confirmed) => {
      // A frame that cannot confirm a termination is replaced with everything in it.
      if (!confirmed && frame === owningFrame && !disposed) {
        owningFrame.remove();
        frame = null;
        for (const other of [...workers.values()]) other.crashed('the sandbox frame stopped responding and was replaced');
        workers.clear();
      }
    });
  };

  const startFor = async (choice: BackendChoice): Promise<Started> => {
    const tried: BackendAttempt[] = [];
    let lastMessage = 'no backend to try';
    for (const plan of plansFor(choice, excluded)) {
      const autoGpuStage = choice === 'auto' && plan.flavour === 'data';
      if (autoGpuStage && gpuUnavailable) {
        tried.push(...gpuUnavailable.filter((attempt) => plan.candidates.includes(attempt.name)));
        continue;
      }
      const worker = new LearnerWorker(nextWorkerId++, plan, choice === 'auto', getFrame(), startupLimitMs);
      workers.set(worker.id, worker);
      const state = await worker.ready;
      if (state.kind === 'ready') {
        if (disposed) retire(worker);
        if (choice === 'auto') autoResolvesTo = state.report.name;
        return { kind: 'ready', worker, report: { ...state.report, requested: choice, tried: [...tried, ...state.report.tried] } };
      }
      retire(worker);
      tried.push(...state.tried);
      lastMessage = state.message;
      // Remember only real answers (no adapter, software renderer), not a start that timed out.
      if (autoGpuStage && state.tried.length === plan.candidates.length && !state.timedOut) gpuUnavailable = state.tried;
    }
    return { kind: 'failed', message: choice === 'auto' ? `No TF.js backend could start: ${describeTried(tried)}` : lastMessage, tried };
  };

  const excludedKey = () => [...excluded].sort().join(',');

  const discard = (slot: WarmSlot) => {
    void slot.started.then((started) => started.kind === 'ready' && retire(started.worker));
  };

  /**
   * Whether a warm slot can serve this choice: started for it, or already running the very backend
   * the choice means (a worker started for 'wasm' serves 'auto' once auto is known to pick wasm here).
   */
  const serves = (slot: WarmSlot, choice: BackendChoice): boolean => {
    if (slot.excludedKey !== excludedKey()) return false;
    if (slot.choice === choice) return true;
    const running = slot.settled?.kind === 'ready' ? slot.settled.report.name : null;
    return running !== null && running === (choice === 'auto' ? autoResolvesTo : choice);
  };

  const asChoice = (started: Started, choice: BackendChoice): Started => {
    if (started.kind !== 'ready' || started.report.requested === choice) return started;
    const skipped = choice === 'auto' ? (gpuUnavailable ?? []).filter((t) => t.name !== started.report.name) : [];
    return { ...started, report: { ...started.report, requested: choice, tried: [...skipped, ...started.report.tried.filter((t) => t.name === started.report.name)] } };
  };

  /** The warm start for this choice (started now if there is none); it leaves the pool. */
  const take = (choice: BackendChoice): Promise<Started> => {
    const slot = warm;
    warm = null;
    if (slot && serves(slot, choice)) return slot.started.then((started) => asChoice(started, choice));
    if (slot) discard(slot);
    return startFor(choice);
  };

  const keepWarm = (choice: BackendChoice): WarmSlot | null => {
    if (disposed) return null;
    if (warm && serves(warm, choice)) return warm;
    if (warm) discard(warm);
    const slot: WarmSlot = { choice, excludedKey: excludedKey(), started: startFor(choice) };
    void slot.started.then((started) => (slot.settled = started));
    warm = slot;
    return slot;
  };

  type Attempt =
    | { kind: 'done'; msg: FromWorker & { type: 'done' } }
    | { kind: 'error'; error: NonNullable<RunOutcome['error']>; results?: LabResult[] }
    | { kind: 'cancelled' };

  const runOnce = (worker: LearnerWorker, request: RunRequest, timeLimitMs: number, emitLayer: (event: RunEvent & { type: 'layer' }) => void): Promise<Attempt> =>
    new Promise((resolve) => {
      const runId = worker.id;
      let settled = false;
      const settle = (value: Attempt) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        cancelActive = null;
        resolve(value);
      };
      const timer = setTimeout(() => {
        const where = initializing ? ` Your initializer was still working on layer ${initializing.layer} (${initializing.name}): an endless loop?` : '';
        settle({ kind: 'error', error: { kind: 'timeout', message: `Stopped after the time limit of ${formatSeconds(timeLimitMs)}.${where}`, layer: initializing?.layer } });
      }, timeLimitMs);
      cancelActive = () => settle({ kind: 'cancelled' });
      worker.onCrash = (message) => settle({ kind: 'error', error: { kind: classifyCrash(message), message: crashMessage(message) } });
      let initializing: (FromWorker & { type: 'init-layer' }) | null = null;
      worker.onRunMessage = (msg) => {
        if (msg.type === 'init-layer' && msg.runId === runId) initializing = msg;
        else if (msg.type === 'layer' && msg.runId === runId) {
          if (msg.phase === 'forward' && initializing?.layer === msg.stats.index) initializing = null; emitLayer({ type: 'layer', network: msg.network, networkIndex: msg.networkIndex, phase: msg.phase, stats: msg.stats });
        } else if (msg.type === 'done' && msg.runId === runId) settle({ kind: 'done', msg });
        else if (msg.type === 'failed' && msg.runId === runId) settle({ kind: 'error', error: { kind: msg.kind, message: msg.message, layer: msg.layer }, results: msg.results });
      };
      const message: ToWorker = { type: 'run', runId, exercise: request.exercise, compiledJs: request.compiledJs };
      worker.port.postMessage(message);
    });

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
    if (disposed) return finish({ status: 'error', error: { kind: 'runtime', message: 'This runner was disposed.' } });

    let attemptChoice: BackendChoice = choice;
    const lostBefore: BackendAttempt[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      let cancelled = false;
      cancelActive = () => (cancelled = true);
      const startedWorker = await take(attemptChoice);
      cancelActive = null;
      if (cancelled || disposed) {
        if (startedWorker.kind === 'ready') retire(startedWorker.worker);
        return finish({ status: 'cancelled' });
      }
      if (startedWorker.kind === 'failed') {
        keepWarm(choice);
        return finish({ status: 'error', error: { kind: 'backend-unavailable', message: startedWorker.message } });
      }
      const { worker } = startedWorker;
      report = { ...startedWorker.report, requested: choice, tried: [...lostBefore, ...startedWorker.report.tried] };
      emit({ type: 'backend', report });

      const result = await runOnce(worker, request, timeLimitMs, (event) => {
        firstLayerMs ??= performance.now() - started;
        emit(event);
      });
      retire(worker);
      if (result.kind === 'error' && result.error.kind === 'device-lost' && attempt === 0) {
        excluded.add(report.name);
        lostBefore.push({ name: report.name, ok: false, reason: result.error.message });
        emit({ type: 'error', ...result.error });
        attemptChoice = 'auto';
        continue;
      }
      keepWarm(choice);
      if (result.kind === 'cancelled') return finish({ status: 'cancelled' });
      if (result.kind === 'error') return finish({ status: 'error', error: result.error, results: result.results });
      const { verdict, verdicts, results } = result.msg;
      emit({ type: 'verdict', verdict, verdicts, results });
      return finish({ status: verdict.passed ? 'passed' : 'failed', verdict, verdicts, results });
    }
    return finish({ status: 'error', error: { kind: 'device-lost', message: 'The GPU device was lost twice.' } });
  };

  const prewarm: Runner['prewarm'] = async (backend = 'auto') => {
    const slot = keepWarm(backend);
    if (!slot) throw new Error('This runner was disposed.');
    const started = asChoice(await slot.started, backend);
    if (started.kind === 'failed') {
      if (warm === slot) warm = null;
      throw new Error(started.message);
    }
    return started.report;
  };

  return {
    run,
    prewarm,
    cancel() {
      cancelActive?.();
    },
    dispose() {
      disposed = true;
      cancelActive?.();
      for (const worker of [...workers.values()]) worker.crashed('disposed');
      workers.clear();
      warm = null;
      frame?.remove();
      frame = null;
    },
  };
}

function describeTried(tried: BackendAttempt[]): string {
  return tried.map((t) => `${t.name}: ${t.reason ?? 'ok'}`).join('; ');
}

function classifyCrash(message: string): RunErrorKind {
  return /memory|allocation/i.test(message) ? 'memory' : 'runtime';
}

function crashMessage(message: string): string {
  return classifyCrash(message) === 'memory'
    ? `The initializer ran out of memory: ${message}. The runner was restarted.`
    : `The runner's worker stopped: ${message}. It was restarted.`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} s`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/[^A-Za-z0-9]/g, '');
}

/** For the backend picker: every name, in the order auto tries them. */
export const BACKENDS: readonly BackendName[] = BACKEND_ORDER;

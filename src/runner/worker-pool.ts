/**
 * Backend selection and warm workers: which worker flavour starts which backends, the one warm worker
 * kept ready for the picker's choice, what 'auto' has learnt about this browser's GPU, and retiring a
 * worker (replacing the whole frame when it does not answer, or when its process died).
 */
import { BACKEND_ORDER, type BackendAttempt, type BackendChoice, type BackendName, type BackendReport, type GpuCalibration } from './protocol';
import { GraderWorker, SandboxFrame, type Crash, type WorkerPlan } from './sandbox-host';

const GPU_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl'];

function plansFor(choice: BackendChoice, excluded: ReadonlySet<BackendName>): WorkerPlan[] {
  if (choice !== 'auto') return [{ flavour: GPU_BACKENDS.includes(choice) ? 'data' : 'blob', candidates: [choice] }];
  const allowed = BACKEND_ORDER.filter((name) => !excluded.has(name));
  return [
    { flavour: 'data' as const, candidates: allowed.filter((name) => GPU_BACKENDS.includes(name)) },
    { flavour: 'blob' as const, candidates: allowed.filter((name) => !GPU_BACKENDS.includes(name)) },
  ].filter((plan) => plan.candidates.length > 0);
}

export type Started =
  | { kind: 'ready'; worker: GraderWorker; report: BackendReport }
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

/**
 * What auto's GPU stage concluded in this browser, kept in localStorage under one key so that the next page
 * neither starts a GPU worker that will be passed over nor times a kept GPU against WASM again. Keyed by the
 * user agent (a browser or driver update that changes it measures again); `?recalibrate` in the page's address
 * forgets it. Timeouts are never remembered.
 */
const CALIBRATION_KEY = 'initlab:auto-backend';
type RememberedAuto = { browser: string; measuredAt: string } & ({ gpu: 'passed-over'; tried: BackendAttempt[] } | { gpu: 'kept'; calibration: GpuCalibration });

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (e.g. blocked cookies)
  }
}

function recallAuto(): RememberedAuto | null {
  const storage = browserStorage();
  if (!storage) return null;
  try {
    if (new URLSearchParams(location.search).has('recalibrate')) {
      storage.removeItem(CALIBRATION_KEY);
      return null;
    }
    const remembered = JSON.parse(storage.getItem(CALIBRATION_KEY) ?? 'null') as RememberedAuto | null;
    return remembered?.browser === navigator.userAgent ? remembered : null;
  } catch {
    return null;
  }
}

function rememberAuto(outcome: { gpu: 'passed-over'; tried: BackendAttempt[] } | { gpu: 'kept'; calibration: GpuCalibration }): void {
  try {
    browserStorage()?.setItem(CALIBRATION_KEY, JSON.stringify({ browser: navigator.userAgent, measuredAt: new Date().toISOString(), ...outcome }));
  } catch {
    // full or disabled storage: the next page measures again
  }
}

let remembered: RememberedAuto | null | undefined;
function rememberedAuto(): RememberedAuto | null {
  if (remembered === undefined) {
    remembered = recallAuto();
    if (remembered?.gpu === 'passed-over') {
      const note = ` (found on ${remembered.measuredAt.slice(0, 10)} and remembered by this browser; add ?recalibrate to the address to measure again)`;
      gpuUnavailable = remembered.tried.map((attempt) => ({ ...attempt, reason: `${attempt.reason ?? 'not used'}${note}` }));
    }
  }
  return remembered;
}
/** The backend 'auto' started last in this page, so a warm worker for that backend can serve 'auto' too. */
let autoResolvesTo: BackendName | null = null;

export class WorkerPool {
  private frame: SandboxFrame | null = null;
  private nextWorkerId = 1;
  private warm: WarmSlot | null = null;
  private readonly workers = new Map<number, GraderWorker>();
  /** Backends that failed at run time (device loss); auto skips them from then on. */
  readonly excluded = new Set<BackendName>();
  private disposed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly startupLimitMs: number,
  ) {}

  private getFrame(): SandboxFrame {
    if (this.frame) return this.frame;
    const frame: SandboxFrame = new SandboxFrame(
      this.container,
      (workerId, message) => this.workers.get(workerId)?.crashed({ cause: 'worker-error', message }),
      () => this.replaceFrame(frame, { cause: 'frame-died', message: 'the sandbox stopped answering' }),
    );
    this.frame = frame;
    return frame;
  }

  /** Removes a frame with everything in it; its workers' runs end with `crash`. */
  private replaceFrame(frame: SandboxFrame, crash: Crash): void {
    if (this.frame !== frame) return;
    frame.remove();
    this.frame = null;
    if (this.warm) this.warm = null;
    for (const worker of [...this.workers.values()]) {
      if (worker.frame !== frame) continue;
      this.workers.delete(worker.id);
      worker.crashed(crash);
    }
  }

  retire(worker: GraderWorker): void {
    if (worker.retired) return;
    worker.retired = true;
    worker.onRunMessage = null;
    worker.onCrash = null;
    this.workers.delete(worker.id);
    worker.port.close();
    const owningFrame = worker.frame;
    if (owningFrame !== this.frame) return;
    void owningFrame.terminate(worker.id).then((confirmed) => {
      // A frame that cannot confirm a termination is replaced with everything in it.
      if (!confirmed && !this.disposed) this.replaceFrame(owningFrame, { cause: 'replaced', message: 'the sandbox frame stopped responding and was replaced' });
    });
  }

  /** While a run uses a worker of this frame, the frame's liveness is checked. */
  watch(worker: GraderWorker, active: boolean): void {
    worker.frame.watch(active);
  }

  private async startFor(choice: BackendChoice): Promise<Started> {
    const tried: BackendAttempt[] = [];
    let lastMessage = 'no backend to try';
    const memory = choice === 'auto' ? rememberedAuto() : null;
    for (const plan of plansFor(choice, this.excluded)) {
      const autoGpuStage = choice === 'auto' && plan.flavour === 'data';
      if (autoGpuStage && gpuUnavailable) {
        tried.push(...gpuUnavailable.filter((attempt) => plan.candidates.includes(attempt.name)));
        continue;
      }
      const calibration = autoGpuStage && memory?.gpu === 'kept' ? memory.calibration : undefined;
      const worker = new GraderWorker(this.nextWorkerId++, { ...plan, calibration }, choice === 'auto', this.getFrame(), this.startupLimitMs);
      this.workers.set(worker.id, worker);
      const state = await worker.ready;
      if (state.kind === 'ready') {
        if (this.disposed) this.retire(worker);
        if (choice === 'auto') autoResolvesTo = state.report.name;
        if (autoGpuStage && state.report.calibration) rememberAuto({ gpu: 'kept', calibration: state.report.calibration });
        return { kind: 'ready', worker, report: { ...state.report, requested: choice, tried: [...tried, ...state.report.tried] } };
      }
      this.retire(worker);
      tried.push(...state.tried);
      lastMessage = state.message;
      // Remember only real answers (no adapter, software renderer), not a start that timed out.
      if (autoGpuStage && state.tried.length === plan.candidates.length && !state.timedOut) {
        gpuUnavailable = state.tried;
        rememberAuto({ gpu: 'passed-over', tried: state.tried });
      }
    }
    return { kind: 'failed', message: choice === 'auto' ? `No TF.js backend could start: ${describeTried(tried)}` : lastMessage, tried };
  }

  private excludedKey(): string {
    return [...this.excluded].sort().join(',');
  }

  private discard(slot: WarmSlot): void {
    void slot.started.then((started) => started.kind === 'ready' && this.retire(started.worker));
  }

  /**
   * Whether a warm slot can serve this choice: started for it, or already running the very backend
   * the choice means (a worker started for 'wasm' serves 'auto' once auto is known to pick wasm here).
   */
  private serves(slot: WarmSlot, choice: BackendChoice): boolean {
    if (slot.excludedKey !== this.excludedKey()) return false;
    if (slot.choice === choice) return true;
    const running = slot.settled?.kind === 'ready' ? slot.settled.report.name : null;
    return running !== null && running === (choice === 'auto' ? autoResolvesTo : choice);
  }

  private asChoice(started: Started, choice: BackendChoice): Started {
    if (started.kind !== 'ready' || started.report.requested === choice) return started;
    const skipped = choice === 'auto' ? (gpuUnavailable ?? []).filter((t) => t.name !== started.report.name) : [];
    return { ...started, report: { ...started.report, requested: choice, tried: [...skipped, ...started.report.tried.filter((t) => t.name === started.report.name)] } };
  }

  /** The warm start for this choice (started now if there is none); it leaves the pool. */
  take(choice: BackendChoice): Promise<Started> {
    const slot = this.warm;
    this.warm = null;
    if (slot && this.serves(slot, choice)) {
      return slot.started.then((started) => {
        // A worker whose frame died while it waited is no use.
        if (started.kind === 'ready' && started.worker.retired) return this.startFor(choice);
        return this.asChoice(started, choice);
      });
    }
    if (slot) this.discard(slot);
    return this.startFor(choice);
  }

  /** Starts (or keeps) the warm worker for this choice. */
  keepWarm(choice: BackendChoice): Promise<Started> | null {
    if (this.disposed) return null;
    if (this.warm && this.serves(this.warm, choice)) return this.warm.started.then((started) => this.asChoice(started, choice));
    if (this.warm) this.discard(this.warm);
    const slot: WarmSlot = { choice, excludedKey: this.excludedKey(), started: this.startFor(choice) };
    void slot.started.then((started) => (slot.settled = started));
    this.warm = slot;
    return slot.started.then((started) => this.asChoice(started, choice));
  }

  /** Forgets the warm slot if it is this failed start, so the next request tries again. */
  forgetFailed(choice: BackendChoice): void {
    if (this.warm?.settled?.kind === 'failed' && this.warm.choice === choice) this.warm = null;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    this.disposed = true;
    for (const worker of [...this.workers.values()]) worker.crashed({ cause: 'disposed', message: 'disposed' });
    this.workers.clear();
    this.warm = null;
    this.frame?.remove();
    this.frame = null;
  }
}

function describeTried(tried: BackendAttempt[]): string {
  return tried.map((t) => `${t.name}: ${t.reason ?? 'ok'}`).join('; ');
}

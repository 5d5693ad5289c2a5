/**
 * The page's side of the sandbox: the hidden opaque-origin frame (sandbox-frame.ts) with its control
 * channel, the bundles it is sent, the liveness check that notices a frame whose process died, and one
 * handle per grader worker started in it.
 */
/// <reference types="astro/client" />
import workerScriptUrl from './worker.ts?worker&url';
import learnerScriptUrl from './learner-worker.ts?worker&url';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { sandboxSrcdoc } from './sandbox-frame';
import {
  CONNECT_MESSAGE,
  type BackendAttempt,
  type BackendName,
  type BackendReport,
  type FromFrame,
  type FromWorker,
  type GpuCalibration,
  type ToFrame,
  type WorkerFlavour,
  type WorkerInit,
} from './protocol';

/** If the frame does not confirm a termination within this, the whole frame is replaced. */
const TERMINATE_CONFIRM_MS = 1_000;
/**
 * A frame that has left this many pings in a row unanswered, over at least FRAME_SILENCE_MS, is dead (its
 * process is gone). Counting pings, not only time, keeps a page that was itself blocked for a while (its
 * timer fires once when it resumes, maybe before the queued answer) from declaring a live frame dead.
 */
const FRAME_SILENCE_MS = 4_000;
const UNANSWERED_PINGS = 4;
const PING_EVERY_MS = 1_000;

const WASM_FILES: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

interface Assets {
  workerSource: string;
  learnerSource: string;
  wasmBinaries: Record<string, ArrayBuffer>;
}

/** Fetched once per page: the bundled worker sources and the WASM binaries (same-origin fetches by the page). */
let assetsPromise: Promise<Assets> | null = null;
function loadAssets(): Promise<Assets> {
  assetsPromise ??= (async () => {
    const fetchOk = async (url: string) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
      return response;
    };
    const [workerSource, learnerSource, ...binaries] = await Promise.all([
      fetchOk(workerScriptUrl).then((r) => r.text()),
      fetchOk(learnerScriptUrl).then((r) => r.text()),
      ...Object.values(WASM_FILES).map((url) => fetchOk(url).then((r) => r.arrayBuffer())),
    ]);
    // `astro dev` serves the workers as unbundled ES modules, which cannot be started from the
    // sandbox's opaque origin; the built site (astro build + preview, or any static host) bundles them.
    if ([workerSource, learnerSource].some((source) => /^\s*import[\s{*"']/m.test(source as string))) {
      throw new Error('the code runner needs the built site: run `npm run build` and `npm run preview` (astro dev does not bundle the runner worker)');
    }
    const wasmBinaries: Record<string, ArrayBuffer> = {};
    Object.keys(WASM_FILES).forEach((name, i) => (wasmBinaries[name] = binaries[i] as ArrayBuffer));
    return { workerSource: workerSource as string, learnerSource: learnerSource as string, wasmBinaries };
  })();
  assetsPromise.catch(() => (assetsPromise = null));
  return assetsPromise;
}

/** The hidden opaque-origin frame and its control channel. */
export class SandboxFrame {
  readonly iframe: HTMLIFrameElement;
  readonly ready: Promise<{ crossOriginIsolated: boolean }>;
  private control: MessagePort | null = null;
  private assetsSent = false;
  private readonly terminations = new Map<number, () => void>();
  private lastPong = 0;
  private pingSeq = 0;
  private unanswered = 0;
  private pinger: ReturnType<typeof setInterval> | null = null;

  constructor(
    container: HTMLElement,
    private readonly onWorkerError: (workerId: number, message: string) => void,
    /** Called once if the frame stops answering (its process died, e.g. a worker ran out of memory). */
    private readonly onFrameDied: () => void,
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
          else if (msg.type === 'pong') {
            this.lastPong = performance.now();
            this.unanswered = 0;
          }
        };
        // An opaque origin can only be addressed with '*'; the port makes the rest private.
        this.iframe.contentWindow?.postMessage(CONNECT_MESSAGE, '*', [channel.port2]);
      }, { once: true });
      setTimeout(() => reject(new Error('the sandbox frame did not start')), 10_000);
    });
    container.appendChild(this.iframe);
  }

  /** Pings the frame while something runs in it; stops once it is told to or the frame died. */
  watch(active: boolean): void {
    if (!active) {
      if (this.pinger) clearInterval(this.pinger);
      this.pinger = null;
      return;
    }
    if (this.pinger || !this.control) return;
    this.lastPong = performance.now();
    this.unanswered = 0;
    this.pinger = setInterval(() => {
      if (this.unanswered >= UNANSWERED_PINGS && performance.now() - this.lastPong > FRAME_SILENCE_MS) {
        this.watch(false);
        this.onFrameDied();
        return;
      }
      this.unanswered++;
      this.control?.postMessage({ type: 'ping', seq: ++this.pingSeq } satisfies ToFrame);
    }, PING_EVERY_MS);
  }

  async spawn(workerId: number, flavour: WorkerFlavour, port: MessagePort, init: Omit<WorkerInit, 'wasmBinaries'>): Promise<void> {
    const [assets] = await Promise.all([loadAssets(), this.ready]);
    const message: ToFrame = { type: 'spawn', workerId, flavour, port, init };
    if (!this.assetsSent) {
      message.workerSource = assets.workerSource;
      message.learnerSource = assets.learnerSource;
      message.wasmBinaries = assets.wasmBinaries;
      this.assetsSent = true;
    }
    this.control!.postMessage(message, [port]);
  }

  stopLearner(workerId: number): void {
    this.control?.postMessage({ type: 'stop-learner', workerId } satisfies ToFrame);
  }

  /** Resolves true once the frame confirms the workers are gone, false if it did not answer in time. */
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
    this.watch(false);
    this.control?.close();
    this.iframe.remove();
  }
}

export type WorkerState =
  | { kind: 'ready'; report: Omit<BackendReport, 'requested'> }
  | { kind: 'failed'; message: string; tried: BackendAttempt[]; timedOut?: boolean };

/** Which worker flavour hosts which backends (see WorkerFlavour in protocol.ts). */
export interface WorkerPlan {
  flavour: WorkerFlavour;
  candidates: BackendName[];
  /** auto's remembered GPU calibration (see worker-pool.ts). */
  calibration?: GpuCalibration;
}

/** Why a run's workers stopped without a message of their own. */
export type Crash = { cause: 'worker-error' | 'frame-died' | 'disposed' | 'replaced'; message: string };

/** One grader worker (with its learner worker): started ahead of time for a list of candidate backends, used for one run. */
export class GraderWorker {
  readonly port: MessagePort;
  readonly ready: Promise<WorkerState>;
  private resolveReady!: (state: WorkerState) => void;
  /** Set while a run is using this worker. */
  onRunMessage: ((msg: FromWorker) => void) | null = null;
  onCrash: ((crash: Crash) => void) | null = null;
  retired = false;

  constructor(
    readonly id: number,
    plan: WorkerPlan,
    auto: boolean,
    readonly frame: SandboxFrame,
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
    frame.spawn(this.id, plan.flavour, channel.port2, { candidates: plan.candidates, auto, calibration: plan.calibration }).catch((error) => {
      clearTimeout(startupTimer);
      this.fail(`the runner could not start: ${error instanceof Error ? error.message : String(error)}`, plan.candidates);
    });
  }

  private fail(message: string, candidates: BackendName[], timedOut = false): void {
    this.resolveReady({ kind: 'failed', message, tried: candidates.map((name) => ({ name, ok: false, reason: message })), timedOut });
  }

  crashed(crash: Crash): void {
    this.fail(crash.message, []);
    this.onCrash?.(crash);
  }
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} s`;
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/[^A-Za-z0-9]/g, '');
}

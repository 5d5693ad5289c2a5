/**
 * The sandbox frame: an `<iframe sandbox="allow-scripts" srcdoc=...>` whose document has an opaque
 * origin (no cookies, no storage, nothing same-origin with the site) and a strict CSP. It only hosts
 * workers, two per run: the grader worker (worker.ts, the engine and the chosen backend) and the learner
 * worker (learner-worker.ts, the learner's realm). It creates them from blob:/data: URLs (an opaque
 * origin cannot load a worker from the site's URL), hands the grader a MessagePort for direct traffic
 * with the page and a MessagePort to the learner worker, which gets the other end and nothing else, and
 * terminates both when the page says so. Its own thread never runs learner code, so it can always
 * terminate a stuck worker; it answers the page's pings, so a frame whose process died (Chromium puts a
 * sandboxed frame in a process of its own, and an out-of-memory worker takes that process down, not the
 * page) is noticed.
 *
 * frameMain is serialised with Function.prototype.toString into the srcdoc, so it must be
 * self-contained: no imports, no references to anything outside its body.
 */
import { CONNECT_MESSAGE } from './protocol';

/** Content-Security-Policy of the sandbox document; blob: workers it creates inherit it. */
export function sandboxCsp(nonce: string): string {
  return [
    "default-src 'none'",
    // The frame's own bootstrap (nonce); learner functions (unsafe-eval); TF.js WASM
    // (wasm-unsafe-eval); the WASM backend's thread workers load their script from a blob: URL.
    `script-src 'nonce-${nonce}' 'unsafe-eval' 'wasm-unsafe-eval' blob:`,
    'worker-src blob: data:',
    "connect-src 'none'",
    "img-src 'none'",
    "style-src 'none'",
    "font-src 'none'",
    "media-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function sandboxSrcdoc(nonce: string): string {
  const csp = sandboxCsp(nonce);
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<script nonce="${nonce}">(${frameMain.toString()})(${JSON.stringify(CONNECT_MESSAGE)});</script>` +
    '</head><body></body></html>'
  );
}

function frameMain(connectMessage: string): void {
  // Every worker starts from this bootstrap and evaluates the bundle sent next, so the same code can
  // start from a short data: URL (a 2 MB bundle would pass Chromium's URL limit).
  const bootstrap = 'self.onmessage = function (event) { self.onmessage = null; (0, eval)(event.data); };';
  const bootstrapUrls = {
    data: 'data:text/javascript,' + encodeURIComponent(bootstrap),
    blob: URL.createObjectURL(new Blob([bootstrap], { type: 'text/javascript' })),
  };
  let control: MessagePort | null = null;
  let workerSource: string | null = null;
  let learnerSource: string | null = null;
  let wasmBinaries: Record<string, ArrayBuffer> = {};
  /** Per run: the grader worker and the learner worker it alone talks to. */
  const workers = new Map<number, { grader: Worker; learner: Worker | null }>();

  const stopLearner = (workerId: number) => {
    const pair = workers.get(workerId);
    pair?.learner?.terminate();
    if (pair) pair.learner = null;
  };

  const terminate = (workerId: number) => {
    stopLearner(workerId);
    workers.get(workerId)?.grader.terminate();
    workers.delete(workerId);
    control?.postMessage({ type: 'terminated', workerId });
  };

  const reportError = (workerId: number, message: string) => control?.postMessage({ type: 'worker-error', workerId, message });

  const onControl = (event: MessageEvent) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'ping') {
      control?.postMessage({ type: 'pong', seq: msg.seq });
      return;
    }
    if (msg.type === 'terminate') {
      terminate(msg.workerId);
      return;
    }
    if (msg.type === 'stop-learner') {
      stopLearner(msg.workerId);
      return;
    }
    if (msg.type !== 'spawn') return;
    if (typeof msg.workerSource === 'string') workerSource = msg.workerSource;
    if (typeof msg.learnerSource === 'string') learnerSource = msg.learnerSource;
    if (msg.wasmBinaries) wasmBinaries = msg.wasmBinaries;
    const workerId: number = msg.workerId;
    if (!workerSource || !learnerSource) {
      reportError(workerId, 'no worker source was sent');
      return;
    }
    let grader: Worker;
    let learner: Worker;
    try {
      grader = new Worker(msg.flavour === 'data' ? bootstrapUrls.data : bootstrapUrls.blob, { name: `initlab-grader-${workerId}` });
      learner = new Worker(bootstrapUrls.blob, { name: `initlab-learner-${workerId}` });
    } catch (error) {
      reportError(workerId, `could not start a worker: ${String(error)}`);
      return;
    }
    workers.set(workerId, { grader, learner });
    grader.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      reportError(workerId, event.message || 'the grader worker stopped unexpectedly');
    };
    // The learner worker keeps its own errors (learner-worker.ts); one that reaches here is a failure to start.
    learner.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      reportError(workerId, event.message || "the learner's worker stopped unexpectedly");
    };
    // The learner's one channel is this port to the grader; what it posts to the frame is not listened to.
    const channel = new MessageChannel();
    learner.postMessage(learnerSource);
    learner.postMessage({ port: channel.port2 }, [channel.port2]);
    grader.postMessage(workerSource);
    // The wasm binaries are copied (not transferred) so the frame keeps them for the next worker. A GPU worker
    // started by auto needs them too: it times the GPU against WASM before keeping it (backends.ts).
    const needsWasm = msg.flavour === 'blob' || msg.init.auto;
    grader.postMessage(
      { port: msg.port, learnerPort: channel.port1, init: { ...msg.init, wasmBinaries: needsWasm ? wasmBinaries : {} } },
      [msg.port, channel.port1],
    );
  };

  window.addEventListener('message', (event: MessageEvent) => {
    // Only the embedding page may connect, and only once.
    if (control || event.source !== window.parent || event.data !== connectMessage || !event.ports[0]) return;
    control = event.ports[0];
    control.onmessage = onControl;
    control.postMessage({ type: 'frame-ready', crossOriginIsolated: self.crossOriginIsolated === true });
  });
}

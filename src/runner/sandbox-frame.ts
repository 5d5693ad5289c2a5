/**
 * The sandbox frame: an `<iframe sandbox="allow-scripts" srcdoc=...>` whose document has an opaque
 * origin (no cookies, no storage, nothing same-origin with the site) and a strict CSP. It only hosts
 * learner workers: it creates each one from a blob: URL (an opaque origin cannot load a worker from
 * the site's URL), hands it a MessagePort for direct traffic with the page, and terminates it when
 * the page says so. Its own thread never runs learner code, so it can always terminate a stuck worker.
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
  // Every learner worker starts from this bootstrap and evaluates the runner bundle sent next, so
  // the same code can start from a short data: URL (a 2 MB bundle would pass Chromium's URL limit).
  const bootstrap = 'self.onmessage = function (event) { self.onmessage = null; (0, eval)(event.data); };';
  const bootstrapUrls = {
    data: 'data:text/javascript,' + encodeURIComponent(bootstrap),
    blob: URL.createObjectURL(new Blob([bootstrap], { type: 'text/javascript' })),
  };
  let control: MessagePort | null = null;
  let workerSource: string | null = null;
  let wasmBinaries: Record<string, ArrayBuffer> = {};
  const workers = new Map<number, Worker>();

  const terminate = (workerId: number) => {
    const worker = workers.get(workerId);
    if (worker) worker.terminate();
    workers.delete(workerId);
    control?.postMessage({ type: 'terminated', workerId });
  };

  const onControl = (event: MessageEvent) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'terminate') {
      terminate(msg.workerId);
      return;
    }
    if (msg.type !== 'spawn') return;
    if (typeof msg.workerSource === 'string') workerSource = msg.workerSource;
    if (msg.wasmBinaries) wasmBinaries = msg.wasmBinaries;
    if (!workerSource) {
      control?.postMessage({ type: 'worker-error', workerId: msg.workerId, message: 'no worker source was sent' });
      return;
    }
    const workerId: number = msg.workerId;
    let worker: Worker;
    try {
      worker = new Worker(msg.flavour === 'data' ? bootstrapUrls.data : bootstrapUrls.blob, { name: `initlab-learner-${workerId}` });
    } catch (error) {
      control?.postMessage({ type: 'worker-error', workerId, message: `could not start a worker: ${String(error)}` });
      return;
    }
    workers.set(workerId, worker);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      control?.postMessage({ type: 'worker-error', workerId, message: event.message || 'the worker stopped unexpectedly' });
    };
    worker.postMessage(workerSource);
    // The wasm binaries are copied (not transferred) so the frame keeps them for the next worker.
    worker.postMessage({ port: msg.port, init: { ...msg.init, wasmBinaries: msg.flavour === 'blob' ? wasmBinaries : {} } }, [msg.port]);
  };

  window.addEventListener('message', (event: MessageEvent) => {
    // Only the embedding page may connect, and only once.
    if (control || event.source !== window.parent || event.data !== connectMessage || !event.ports[0]) return;
    control = event.ports[0];
    control.onmessage = onControl;
    control.postMessage({ type: 'frame-ready', crossOriginIsolated: self.crossOriginIsolated === true });
  });
}

/**
 * Support for the runner's browser tests and `npm run bench:browser`: a static server for the built
 * site that sends the headers a host must send (COOP/COEP) and records every request it receives
 * (so a test can prove a request never left the sandbox), the runner-check page with the runner on
 * window.initlabRunner, and a way to run learner code there and collect the events.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser, REPO_ROOT } from './harness';
import { compileLearnerSource } from '../../src/cli/compile';
import { loadExercise } from '../../src/cli/exercise-files';
import type { Exercise } from '../../src/engine/exercise-schema';
import type { BackendChoice, RunOutcome } from '../../src/runner/protocol';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain', '.xml': 'application/xml',
};

/** The headers the site needs from any host: cross-origin isolation (the WASM backend's threads need it). */
export const SITE_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export interface RecordingServer {
  url: string;
  /** Every request path received, in order. */
  requests: string[];
  close(): Promise<void>;
}

export function builtSiteDir(): string {
  const dir = process.env.SITE_OUT_DIR ?? path.join(REPO_ROOT, 'dist');
  if (!fs.existsSync(path.join(dir, 'runner-check', 'index.html'))) {
    throw new Error(`No built runner-check page in ${dir}. Build the site first (npm run build; npm run test:e2e does both) or set SITE_OUT_DIR.`);
  }
  return dir;
}

export async function serveBuiltSite(root: string, port = 0): Promise<RecordingServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, SITE_HEADERS).end('not found');
      return;
    }
    res.writeHead(200, { ...SITE_HEADERS, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens the runner-check page and waits for window.initlabRunner. */
export async function openRunnerPage(browser: Browser, server: RecordingServer): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/runner-check/`);
  await page.waitForFunction(() => 'initlabRunner' in window, null, { timeout: 30_000 });
  return page;
}

export interface RunnerSession {
  /** The built site's server (its `requests` show what the page fetched). */
  readonly server: RecordingServer;
  readonly browser: Browser;
  /** The runner-check page. */
  readonly page: Page;
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The set-up the runner's browser tests share: the built site served, a browser, and the runner-check page
 * open in it. Open it in beforeAll and close it in afterAll; `server`, `browser` and `page` throw before it opens.
 */
export function runnerSession(): RunnerSession {
  let opened: { server: RecordingServer; browser: Browser; page: Page } | null = null;
  const get = () => {
    if (!opened) throw new Error('The runner session is not open: call open() in beforeAll.');
    return opened;
  };
  let server: RecordingServer | undefined;
  let browser: Browser | undefined;
  return {
    get server() { return get().server; },
    get browser() { return get().browser; },
    get page() { return get().page; },
    async open() {
      server = await serveBuiltSite(builtSiteDir());
      browser = await launchBrowser();
      opened = { server, browser, page: await openRunnerPage(browser, server) };
    },
    async close() {
      await browser?.close();
      await server?.close();
      opened = null;
    },
  };
}

export function compile(source: string): string {
  return compileLearnerSource(source, 'answer.ts');
}

export function readExerciseFile(id: string, file: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'exercises', id, file), 'utf8');
}

export { loadExercise };

/** The he-relu-50 exercise on a small network (5 layers × 64), for slow backends and quick checks. */
export async function smallExercise(overrides: Partial<Exercise> = {}): Promise<Exercise> {
  const exercise = await loadExercise('he-relu-50');
  return { ...exercise, networks: [{ preset: 'mlp', depth: 5, width: 64, activation: 'relu' }], ...overrides } as Exercise;
}

export interface TimedEvent {
  /** Milliseconds after run() was called. */
  t: number;
  type: string;
  kind?: string;
  message?: string;
  phase?: string;
  layer?: number;
  backend?: string;
}

export interface PageRun {
  outcome: RunOutcome;
  events: TimedEvent[];
  /** The longest time between two animation frames of the page while the run went on. */
  maxFrameGapMs: number;
}

type RunArgs = { exercise: Exercise; compiledJs: string; backend?: BackendChoice; prewarm: boolean };

/**
 * What runs in the page: a runner created there (one per page, kept on window so its warm worker carries
 * over between calls) runs the learner code; the outcome and the events with their times come back, and
 * the longest gap between animation frames during the run (a frozen page draws no frames).
 */
async function runScript({ exercise, compiledJs, backend, prewarm }: RunArgs): Promise<PageRun> {
  const w = window as unknown as { initlabRunner: { createRunner: () => any }; testRunner?: any };
  w.testRunner ??= w.initlabRunner.createRunner();
  if (prewarm) await w.testRunner.prewarm(backend ?? 'auto').catch(() => undefined);
  const events: any[] = [];
  let frames = true;
  let lastFrame = performance.now();
  let maxFrameGapMs = 0;
  const onFrame = (now: number) => {
    maxFrameGapMs = Math.max(maxFrameGapMs, now - lastFrame);
    lastFrame = now;
    if (frames) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  const start = performance.now();
  const outcome = await w.testRunner.run({ exercise, compiledJs, backend }, (event: any) => {
    events.push({
      t: performance.now() - start, type: event.type, kind: event.kind, message: event.message, phase: event.phase,
      layer: event.stats?.index ?? event.layer, backend: event.report?.name,
    });
  });
  frames = false;
  // Results carry histograms for every layer; the tests need the verdict and the figures only.
  return { outcome: { ...outcome, results: outcome.results?.map((r: any) => ({ network: r.network, backend: r.backend, layers: r.layers.length })) }, events, maxFrameGapMs };
}

export async function runInPage(page: Page, request: { exercise: Exercise; compiledJs: string; backend?: BackendChoice; prewarm?: boolean }): Promise<PageRun> {
  const args: RunArgs = { exercise: request.exercise, compiledJs: request.compiledJs, backend: request.backend, prewarm: request.prewarm ?? true };
  return page.evaluate(runScript as never, args as never) as Promise<PageRun>;
}

/**
 * runInPage through a raw DevTools session: Playwright marks a whole page as crashed when one of its
 * frames' processes dies (the sandbox frame running out of memory), though the page itself lives on.
 */
export async function runThroughDevTools(session: CDPSession, request: { exercise: Exercise; compiledJs: string; backend?: BackendChoice }): Promise<PageRun> {
  const args: RunArgs = { ...request, prewarm: true };
  return evaluateThroughDevTools(session, `(${runScript.toString()})(${JSON.stringify(args)})`);
}

export async function evaluateThroughDevTools<T>(session: CDPSession, expression: string): Promise<T> {
  const reply = await session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  if (reply.exceptionDetails) throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
  return reply.result.value as T;
}

/**
 * The runner in a real browser, on the built site's runner-check page: isolation of learner code,
 * the time limit, runaway memory, and a page that stays responsive while grading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, readExerciseFile, runInPage, runnerSession, smallExercise, loadExercise, type RecordingServer } from './runner-support';

const session = runnerSession();
beforeAll(() => session.open());
afterAll(() => session.close());

/** A valid He initializer that first runs `probe` inside init. */
const initializerThat = (probe: string) => `
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  ${probe}
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}`;

const probed = (server: RecordingServer) => server.requests.filter((path) => path.startsWith('/__probe'));

describe('learner code is isolated from the page, its storage and the network', () => {
  const attempts: Array<{ name: string; code: string; error: RegExp }> = [
    { name: 'document', code: 'document.title = "owned";', error: /document/ },
    { name: 'document.cookie', code: 'const c = (globalThis as any).document.cookie;', error: /document/ },
    { name: 'localStorage', code: 'localStorage.setItem("k", "v");', error: /localStorage/ },
    { name: 'indexedDB', code: 'indexedDB.open("stolen");', error: /indexedDB/ },
    { name: 'caches', code: 'caches.open("stolen");', error: /caches/ },
    { name: 'fetch', code: 'fetch("/__probe/fetch");', error: /fetch/ },
    { name: 'XMLHttpRequest', code: 'const x = new XMLHttpRequest(); x.open("GET", "/__probe/xhr", false); x.send();', error: /XMLHttpRequest/ },
    { name: 'importScripts', code: '(self as any).importScripts("/__probe/import-scripts");', error: /importScripts/ },
    { name: 'WebSocket', code: 'new WebSocket("ws://" + "127.0.0.1:1/__probe/ws");', error: /WebSocket/ },
    // Its memory would not be counted by the allocation limit (memory-budget.ts).
    { name: 'WebAssembly', code: 'new WebAssembly.Memory({ initial: 1, maximum: 65536 }).grow(65535);', error: /WebAssembly is not available to initializers/ },
  ];

  for (const attempt of attempts) {
    it(`${attempt.name}: fails with an error naming it, and nothing reaches the server or the page`, async () => {
      const exercise = await smallExercise();
      const before = probed(session.server).length;
      const { outcome } = await runInPage(session.page, { exercise, compiledJs: compile(initializerThat(attempt.code)), backend: 'wasm' });
      expect(outcome.status).toBe('error');
      expect(outcome.error?.message).toMatch(attempt.error);
      expect(outcome.error?.layer).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(probed(session.server).slice(before)).toEqual([]);
      const pageState = await session.page.evaluate(() => ({ title: document.title, stored: localStorage.getItem('k') }));
      expect(pageState.title).not.toBe('owned');
      expect(pageState.stored).toBeNull();
    });
  }

  it("nested workers are refused in the learner's realm, and a dynamic import() reaches nothing", async () => {
    // Dynamic import() cannot be removed from the language: only the frame's opaque origin and CSP stop it.
    // A nested worker would get a fresh global scope (fetch, indexedDB back) and a thread of its own that
    // outlives the run, so the learner's realm has no Worker at all.
    const escapes = `
      // Through Function: TypeScript's CommonJS output would turn a literal import() into require().
      (new Function('url', 'return import(url)') as (url: string) => Promise<unknown>)("${session.server.url}/__probe/dynamic-import").catch(() => undefined);
      new Worker(URL.createObjectURL(new Blob(["fetch('${session.server.url}/__probe/nested-fetch')"])));`;
    const exercise = await smallExercise();
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: compile(initializerThat(escapes)), backend: 'wasm' });
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toMatch(/Worker is not available to initializers/);
    // Control: the same path from the page itself does reach the server, so silence below means blocked.
    await session.page.evaluate(() => fetch('/__probe/control-from-page').then((r) => r.status));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probed(session.server)).toEqual(['/__probe/control-from-page']);
  });

});

describe('time limit and responsiveness', () => {
  it('stops an endless loop at the time limit, names the layer, and the page answers clicks meanwhile', async () => {
    const exercise = await smallExercise({ timeLimitMs: 3000 });
    await session.page.evaluate(() => {
      const button = document.createElement('button');
      button.id = 'responsiveness-probe';
      button.textContent = 'probe';
      button.style.cssText = 'position:fixed;left:40%;top:40%;z-index:10000';
      const delays: number[] = [];
      (window as unknown as { clickDelays: number[] }).clickDelays = delays;
      // Input delay: from the moment the browser created the click event to its handler running.
      button.addEventListener('click', (event) => delays.push(performance.now() - event.timeStamp));
      document.body.prepend(button);
    });
    const endless = compile(initializerThat('if (layer.index === 2) { while (true) {} }'));
    const running = runInPage(session.page, { exercise, compiledJs: endless, backend: 'wasm' });
    const roundTrips: number[] = [];
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      await session.page.click('#responsiveness-probe');
      await session.page.waitForFunction((n) => (window as unknown as { clickDelays: number[] }).clickDelays.length >= n, i + 1);
      roundTrips.push(Date.now() - before);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { outcome } = await running;
    const delays = await session.page.evaluate(() => (window as unknown as { clickDelays: number[] }).clickDelays);
    console.log(`endless loop: stopped after ${Math.round(outcome.elapsedMs)} ms; click round trips ${roundTrips.join(', ')} ms; input delays ${delays.map(Math.round).join(', ')} ms`);
    expect(outcome.status).toBe('error');
    expect(outcome.error?.kind).toBe('timeout');
    expect(outcome.error?.layer).toBe(2);
    expect(outcome.error?.message).toMatch(/layer 2/);
    // Layer 1 returned in milliseconds: the page's clock tells a stuck layer from slow code.
    expect(outcome.error?.message).toMatch(/that layer had run for [\d.]+ s, while the layer before it took [\d.]+ m?s: an endless loop/);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(3000);
    expect(outcome.elapsedMs).toBeLessThan(3000 + 2000);
    // The page's own measure: how long each click waited for the main thread (a frozen page: seconds).
    expect(Math.max(...delays)).toBeLessThan(200);
    // From the test's side (includes Playwright's own work on a shared machine): well under the loop's 3 s.
    expect(Math.max(...roundTrips)).toBeLessThan(2000);
  });

  it('code that is merely slow is told so, with its pace and what the whole network would take', async () => {
    // 20 layers at about 0.7 s each against a 3 s limit: layer 5 is still running when time runs out.
    const exercise = await smallExercise({ timeLimitMs: 3000, networks: [{ preset: 'mlp', depth: 20, width: 64, activation: 'relu' }] });
    const slow = compile(initializerThat('const until = Date.now() + 700; while (Date.now() < until) {}'));
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: slow, backend: 'wasm' });
    expect(outcome.error?.kind).toBe('timeout');
    const message = outcome.error?.message ?? '';
    const pace = message.match(/too slow\. It returned (\d+) layers? in ([\d.]+) s \(([\d.]+) s a layer\), so all 20 layers would take about ([\d.]+) s/);
    expect(pace, message).not.toBeNull();
    const [returned, perLayer, whole] = [Number(pace![1]), Number(pace![3]), Number(pace![4])];
    expect(returned).toBeGreaterThanOrEqual(2);
    expect(returned).toBeLessThanOrEqual(4);
    expect(perLayer).toBeGreaterThanOrEqual(0.7);
    expect(perLayer).toBeLessThan(1.2);
    expect(whole).toBeCloseTo(20 * perLayer, 0);
  });

  it('after a timeout the runner grades the next submission normally', async () => {
    const stuck = await runInPage(session.page, { exercise: await smallExercise({ timeLimitMs: 1500 }), compiledJs: compile(initializerThat('while (true) {}')), backend: 'wasm' });
    expect(stuck.outcome.error?.kind).toBe('timeout');
    const { outcome } = await runInPage(session.page, { exercise: await smallExercise(), compiledJs: compile(readExerciseFile('he-relu-50', 'solution.ts')), backend: 'wasm' });
    expect(outcome.status).toBe('passed');
  });

  it('grading the full 50-layer exercise causes no main-thread task over 200 ms, and layers stream before the verdict', async () => {
    const exercise = await loadExercise('he-relu-50');
    await session.page.evaluate(() => {
      const longTasks: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = longTasks;
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration))).observe({ type: 'longtask' });
    });
    const { outcome, events } = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile('he-relu-50', 'solution.ts')), backend: 'wasm' });
    const longTasks = await session.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    console.log(`he-relu-50 on wasm: first layer ${Math.round(outcome.firstLayerMs ?? NaN)} ms, verdict ${Math.round(outcome.elapsedMs)} ms; long tasks: ${longTasks.map(Math.round).join(', ') || 'none'}`);
    expect(outcome.status).toBe('passed');
    expect(outcome.backend).toBe('wasm');
    const layers = events.filter((e) => e.type === 'layer');
    expect(layers.filter((e) => e.phase === 'forward')).toHaveLength(50);
    expect(layers.filter((e) => e.phase === 'backward')).toHaveLength(50);
    const verdictAt = events.find((e) => e.type === 'verdict')!.t;
    // Streamed while the grader computes, not in one batch at the end: the learner's realm returns every
    // layer's weights first, then the forward and backward statistics arrive over many animation frames.
    expect(verdictAt - layers[0].t).toBeGreaterThan(200);
    expect(new Set(layers.map((e) => Math.round(e.t))).size).toBeGreaterThanOrEqual(10);
    expect(longTasks.filter((d) => d > 200)).toEqual([]);
  });
});

describe('runaway memory', () => {
  it('an allocation loop is reported as a memory error and the runner recovers', async () => {
    const exercise = await smallExercise();
    const hog = compile(initializerThat('const keep: Float32Array[] = []; for (;;) keep.push(new Float32Array(2 ** 28));'));
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: hog, backend: 'wasm' });
    expect(outcome.status).toBe('error');
    expect(outcome.error?.kind).toBe('memory');
    expect(outcome.error?.message).toMatch(/allocation failed/i);
    const next = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile('he-relu-50', 'solution.ts')), backend: 'wasm' });
    expect(next.outcome.status).toBe('passed');
  });

  it('a tensor too large for the backend is reported as a memory error and the runner recovers', async () => {
    const exercise = await smallExercise();
    const huge = compile(`
export default function init(layer: LayerInfo, { tf }: InitTools): Weights {
  const big = tf.zeros([65536, 65536]);
  return tf.add(tf.randomNormal([...layer.shape], 0, Math.sqrt(2 / layer.fanIn)), tf.sum(big));
}`);
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: huge, backend: 'wasm' });
    expect(outcome.status).toBe('error');
    expect(outcome.error?.kind).toBe('memory');
    const next = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile('he-relu-50', 'solution.ts')), backend: 'wasm' });
    expect(next.outcome.status).toBe('passed');
  });
});

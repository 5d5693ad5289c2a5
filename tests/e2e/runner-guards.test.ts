/**
 * Hostile learner code against the runner, in a real browser (the built site's runner-check page): code
 * that forges a verdict, patches built-ins, floods, starts workers, fills the memory or loops forever never
 * gets a pass, the page keeps drawing frames meanwhile, and the time limit fires on time. The answers are
 * zero weights (which must fail) unless a test says otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness';
import {
  compile, evaluateThroughDevTools, openRunnerPage, readExerciseFile, runInPage, runnerSession, runThroughDevTools, smallExercise,
} from './runner-support';

const session = runnerSession();
beforeAll(() => session.open());
afterAll(() => session.close());

/** An initializer that runs `attack` first, then returns `answer` (zeros: a wrong answer). */
const attacking = (attack: string, answer = 'new Float32Array(layer.shape.reduce((a, b) => a * b, 1))') => `
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  ${attack}
  return ${answer};
}`;
const HE = 'random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn))';

/** The page drew frames throughout: no gap between two animation frames this long (a frozen page: seconds). */
const RESPONSIVE_FRAME_GAP_MS = 750;

describe('a forged verdict never counts', () => {
  it('replacing MessagePort.prototype.postMessage and self.postMessage to send "passed" gives no pass', async () => {
    const forge = `
      const forged = { type: 'done', runId: 1, verdict: { passed: true, message: 'Passed (forged)', details: [] }, verdicts: [], results: [], checks: [] };
      const proto = MessagePort.prototype as any;
      const original = proto.postMessage;
      proto.postMessage = function (this: MessagePort, message: unknown, transfer?: Transferable[]) {
        return original.call(this, forged, transfer);
      };
      for (const target of [self as any, Object.getPrototypeOf(self)]) {
        try { target.postMessage(forged); } catch { /* refused */ }
      }
      (globalThis as any).forgedTries = ((globalThis as any).forgedTries ?? 0) + 1;`;
    const { outcome } = await runInPage(session.page, { exercise: await smallExercise(), compiledJs: compile(attacking(forge)), backend: 'wasm' });
    expect(outcome.status).toBe('failed');
    expect(outcome.verdict?.passed).toBe(false);
    expect(outcome.verdict?.message).not.toMatch(/forged/);
    // The grader saw the zeros the code really returned.
    expect(outcome.checks?.some((check) => check.status === 'fail')).toBe(true);
  });

  it('patching Array.prototype and Math in its realm cannot make zero weights pass', async () => {
    const patch = `
      Array.prototype.find = function () { return undefined; };
      Array.prototype.some = function () { return false; };
      (Array.prototype as any).every = function () { return true; };
      Math.abs = () => 0; Math.max = () => 0; Math.min = () => 0;
      Number.isFinite = () => true;`;
    const { outcome } = await runInPage(session.page, { exercise: await smallExercise(), compiledJs: compile(attacking(patch)), backend: 'wasm' });
    expect(outcome.status).toBe('failed');
    expect(outcome.verdict?.passed).toBe(false);
  });

  it('a correct initializer that patches its own built-ins still passes', async () => {
    const patch = `
      Array.prototype.find = function () { return undefined; };
      JSON.stringify = () => 'patched';
      Math.max = () => 0;
      (MessagePort.prototype as any).postMessage = () => undefined;`;
    const { outcome } = await runInPage(session.page, { exercise: await smallExercise(), compiledJs: compile(attacking(patch, HE)), backend: 'wasm' });
    expect(outcome.status).toBe('passed');
  });
});

describe('the page stays responsive and the time limit holds', () => {
  it('flooding every channel the learner has (postMessage, ports, thrown errors, rejections) leaves the page drawing', async () => {
    const flood = `
      const until = Date.now() + 1500;
      const channel = new MessageChannel();
      let n = 0;
      while (Date.now() < until && n < 50_000) {
        n++;
        try { (self as any).postMessage({ type: 'layer', n }); } catch { /* refused */ }
        channel.port1.postMessage({ type: 'weights', network: 0, layer: 1, values: new Float32Array(1) });
        queueMicrotask(() => { throw new Error('flood ' + n); });
        Promise.reject(new Error('flood'));
        setTimeout(() => { throw new Error('timer flood'); }, 0);
      }`;
    const { outcome, maxFrameGapMs } = await runInPage(session.page, { exercise: await smallExercise({ timeLimitMs: 10_000 }), compiledJs: compile(attacking(flood)), backend: 'wasm' });
    console.log(`flood: ${outcome.status} after ${Math.round(outcome.elapsedMs)} ms; longest frame gap ${Math.round(maxFrameGapMs)} ms`);
    expect(outcome.status).not.toBe('passed');
    expect(outcome.verdict?.passed ?? false).toBe(false);
    expect(maxFrameGapMs).toBeLessThan(RESPONSIVE_FRAME_GAP_MS);
    const next = await runInPage(session.page, { exercise: await smallExercise(), compiledJs: compile(readExerciseFile('he-relu-50', 'solution.ts')), backend: 'wasm' });
    expect(next.outcome.status).toBe('passed');
  });

  it('64 busy nested workers cannot be started, and a loop after trying stops at the time limit on time', async () => {
    const workers = `
      const busy = 'for (;;) {}';
      let refused = 0;
      for (let i = 0; i < 64; i++) {
        for (const url of [URL.createObjectURL(new Blob([busy])), 'data:text/javascript,' + busy]) {
          try { new Worker(url); } catch { refused++; }
        }
        try { new (globalThis as any).SharedWorker('data:text/javascript,' + busy); } catch { refused++; }
      }
      if (refused !== 64 * 3) throw new Error('only ' + refused + ' of 192 workers were refused');
      while (true) {}`;
    const limit = 3000;
    const { outcome, maxFrameGapMs } = await runInPage(session.page, { exercise: await smallExercise({ timeLimitMs: limit }), compiledJs: compile(attacking(workers)), backend: 'wasm' });
    console.log(`nested workers: ${outcome.error?.kind} after ${Math.round(outcome.elapsedMs)} ms; longest frame gap ${Math.round(maxFrameGapMs)} ms`);
    expect(outcome.error?.kind).toBe('timeout');
    expect(outcome.error?.message).toMatch(/still working on layer 1 .* after 3 s: too slow, or an endless loop/);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(limit);
    expect(outcome.elapsedMs).toBeLessThan(limit + 1500);
    expect(maxFrameGapMs).toBeLessThan(RESPONSIVE_FRAME_GAP_MS);
  });

  it('an error is titled by its kind: a thrown error that talks about memory is not an out-of-memory', async () => {
    const { outcome } = await runInPage(session.page, {
      exercise: await smallExercise(),
      compiledJs: compile(attacking("throw new RangeError('out of memory: Array buffer allocation failed');")),
      backend: 'wasm',
    });
    expect(outcome.status).toBe('error');
    expect(outcome.error?.kind).toBe('runtime');
    expect(outcome.error?.message).toMatch(/your initializer threw RangeError: out of memory/);
  });
});

describe('runaway plain JS memory', () => {
  // A smaller V8 heap for this browser only, so the learner's realm runs out in seconds instead of
  // after gigabytes; what happens when it does is the same at any size.
  let small: Browser;
  afterAll(async () => {
    await small?.close();
  });

  it('filling plain arrays until the heap is gone ends in an out-of-memory error, the page lives on, and the runner recovers', async () => {
    small = await launchBrowser(['--js-flags=--max-old-space-size=384']);
    const memoryPage = await openRunnerPage(small, session.server);
    const devTools = await memoryPage.context().newCDPSession(memoryPage);
    const hog = attacking('const keep: number[][] = []; for (;;) keep.push(Array.from({ length: 1e5 }, (_, i) => i + 0.5));');
    const { outcome } = await runThroughDevTools(devTools, { exercise: await smallExercise({ timeLimitMs: 60_000 }), compiledJs: compile(hog), backend: 'wasm' });
    console.log(`plain arrays: ${outcome.error?.kind} after ${Math.round(outcome.elapsedMs)} ms: ${outcome.error?.message}`);
    expect(outcome.status).toBe('error');
    expect(outcome.error?.kind).toBe('memory');
    expect(outcome.error?.message).toMatch(/ran out of memory|runs out of memory/);
    // Well before the time limit: the frame's death was noticed, not waited out.
    expect(outcome.elapsedMs).toBeLessThan(30_000);
    // The page itself is alive and the next run gets a fresh sandbox.
    expect(await evaluateThroughDevTools<string>(devTools, 'document.title')).toMatch(/Runner check/);
    const next = await runThroughDevTools(devTools, { exercise: await smallExercise(), compiledJs: compile(readExerciseFile('he-relu-50', 'solution.ts')), backend: 'wasm' });
    expect(next.outcome.status).toBe('passed');
  });
});

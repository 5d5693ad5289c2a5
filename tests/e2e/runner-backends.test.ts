/**
 * Backend choice for real: Chromium with --enable-unsafe-webgpu offers a SwiftShader WebGPU adapter
 * (slow, so these runs use a 5 × 64 network); without the flag there is no adapter and the runner
 * falls back. A lost WebGPU device is reported and the run is redone on the next backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './harness';
import { builtSiteDir, compile, openRunnerPage, readExerciseFile, runInPage, serveBuiltSite, smallExercise, type RecordingServer } from './runner-support';

let server: RecordingServer;

beforeAll(async () => {
  server = await serveBuiltSite(builtSiteDir());
});

afterAll(async () => {
  await server?.close();
});

const solution = () => compile(readExerciseFile('he-relu-50', 'solution.ts'));

describe('with a WebGPU adapter (--enable-unsafe-webgpu: SwiftShader)', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser(['--enable-unsafe-webgpu']);
    page = await openRunnerPage(browser, server);
  });
  afterAll(async () => browser?.close());

  it('runs on webgpu when it is picked, and grades like the other backends', async () => {
    const exercise = await smallExercise({ timeLimitMs: 120_000 });
    const { outcome, events } = await runInPage(page, { exercise, compiledJs: solution(), backend: 'webgpu' });
    expect(outcome.status).toBe('passed');
    expect(outcome.backend).toBe('webgpu');
    expect(outcome.backendReport?.details).toMatch(/swiftshader/i);
    expect(events.find((e) => e.type === 'backend')?.backend).toBe('webgpu');
    expect(events.filter((e) => e.type === 'layer' && e.phase === 'forward')).toHaveLength(5);
  });

  it('auto passes over the software adapter for WASM and says why', async () => {
    const exercise = await smallExercise();
    const { outcome } = await runInPage(page, { exercise, compiledJs: solution(), backend: 'auto' });
    expect(outcome.status).toBe('passed');
    expect(outcome.backend).toBe('wasm');
    const webgpu = outcome.backendReport?.tried.find((t) => t.name === 'webgpu');
    expect(webgpu?.ok).toBe(false);
    expect(webgpu?.reason).toMatch(/software adapter.*swiftshader/i);
  });

  it('auto remembers in this browser that it passed over the GPU (the next page starts no GPU worker and says so); ?recalibrate measures again', async () => {
    const exercise = await smallExercise();
    const first = await openRunnerPage(browser, server);
    const webgpuReason = async (target: Page) => {
      const { outcome } = await runInPage(target, { exercise, compiledJs: solution(), backend: 'auto' });
      expect(outcome.backend).toBe('wasm');
      return outcome.backendReport?.tried.find((t) => t.name === 'webgpu')?.reason ?? '';
    };
    try {
      expect(await webgpuReason(first)).not.toMatch(/remembered/);
      const stored = JSON.parse((await first.evaluate(() => localStorage.getItem('initlab:auto-backend'))) ?? 'null');
      expect(stored).toMatchObject({ gpu: 'passed-over', browser: await first.evaluate(() => navigator.userAgent) });

      const next = await first.context().newPage();
      await next.goto(`${server.url}/runner-check/`);
      await next.waitForFunction(() => 'initlabRunner' in window, null, { timeout: 30_000 });
      expect(await webgpuReason(next)).toMatch(/software adapter.*swiftshader.*remembered by this browser; add \?recalibrate/i);

      await next.goto(`${server.url}/runner-check/?recalibrate`);
      await next.waitForFunction(() => 'initlabRunner' in window, null, { timeout: 30_000 });
      expect(await webgpuReason(next)).toMatch(/^software adapter.*swiftshader[^(]*$/i);
    } finally {
      await first.context().close();
    }
  });

  it("the learner's tf is its own: destroying the GPU device it can see loses nothing, and the run on webgpu passes", async () => {
    const exercise = await smallExercise({ timeLimitMs: 120_000 });
    // Before the realms were split, this destroyed the grader's WebGPU device. The learner's realm runs
    // its own TF.js on the CPU backend: there is no device for it to reach.
    const loseDevice = compile(`
export default function init(layer: LayerInfo, { tf, random }: InitTools): Weights {
  if (tf.getBackend() !== 'cpu') throw new Error('the learner realm runs ' + tf.getBackend());
  (tf.backend() as any).device?.destroy();
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}`);
    const { outcome, events } = await runInPage(page, { exercise, compiledJs: loseDevice, backend: 'webgpu' });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(outcome.status).toBe('passed');
    expect(outcome.backend).toBe('webgpu');
  });
});

describe('without a WebGPU adapter (no flag)', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await openRunnerPage(browser, server);
  });
  afterAll(async () => browser?.close());

  it('auto falls back to WASM and records why WebGPU and WebGL were not used', async () => {
    const exercise = await smallExercise();
    const { outcome } = await runInPage(page, { exercise, compiledJs: solution(), backend: 'auto' });
    expect(outcome.status).toBe('passed');
    expect(outcome.backend).toBe('wasm');
    const tried = outcome.backendReport!.tried;
    expect(tried.map((t) => t.name)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(tried[0]).toMatchObject({ ok: false, reason: expect.stringMatching(/no adapter|navigator\.gpu/) });
    expect(tried[1].ok).toBe(false);
    expect(tried[2].ok).toBe(true);
  });

  it('a picked WebGPU is reported as unavailable with the reason, not replaced', async () => {
    const exercise = await smallExercise();
    const { outcome, events } = await runInPage(page, { exercise, compiledJs: solution(), backend: 'webgpu' });
    expect(outcome.status).toBe('error');
    expect(outcome.error?.kind).toBe('backend-unavailable');
    expect(outcome.error?.message).toMatch(/webgpu.*(no adapter|navigator\.gpu)/i);
    expect(events.some((e) => e.type === 'layer')).toBe(false);
  });

  it('the cpu backend can be picked and grades the same answer', async () => {
    const exercise = await smallExercise();
    const { outcome } = await runInPage(page, { exercise, compiledJs: solution(), backend: 'cpu' });
    expect(outcome.status).toBe('passed');
    expect(outcome.backend).toBe('cpu');
  });
});

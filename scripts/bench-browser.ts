/**
 * npm run bench:browser — the exercise runner in headless Chromium, on the built site's runner-check
 * page: for the 50-layer ReLU MLP exercise (he-relu-50) and AlexNet (he-alexnet), graded with their
 * reference solutions, the median time from Run to the first streamed layer and to the verdict, per
 * backend available here. Each run starts from a warm worker (the exercise block starts one when the
 * editor opens); the time a backend takes to start is listed separately.
 *
 * Usage: npm run build && npm run bench:browser   (SITE_OUT_DIR=<dir> to measure another build;
 * BENCH_RUNS=<n> runs per case, default 5 on WASM and 3 elsewhere; BENCH_BACKENDS=wasm,cpu to measure only those)
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../tests/e2e/harness';
import { builtSiteDir, compile, loadExercise, openRunnerPage, readExerciseFile, serveBuiltSite, type RecordingServer } from '../tests/e2e/runner-support';
import type { BackendChoice, RunOutcome } from '../src/runner/protocol';

interface Case {
  label: string;
  backend: BackendChoice;
  browserArgs: string[];
  runs: number;
  exercises: string[];
}

const runsFromEnv = Number(process.env.BENCH_RUNS) || undefined;
const CASES: Case[] = [
  { label: 'wasm', backend: 'wasm', browserArgs: [], runs: runsFromEnv ?? 5, exercises: ['he-relu-50', 'he-alexnet'] },
  { label: 'webgpu (SwiftShader)', backend: 'webgpu', browserArgs: ['--enable-unsafe-webgpu'], runs: runsFromEnv ?? 3, exercises: ['he-relu-50', 'he-alexnet'] },
  // Plain JavaScript: one MLP run shows the scale; AlexNet would take minutes.
  { label: 'cpu', backend: 'cpu', browserArgs: [], runs: 1, exercises: ['he-relu-50'] },
  // What 'auto' picks here, and why (the backend line lists each backend passed over with its reason).
  { label: 'auto', backend: 'auto', browserArgs: ['--enable-unsafe-webgpu'], runs: 1, exercises: ['he-relu-50'] },
];

interface Row {
  backend: string;
  exercise: string;
  runs: number;
  status: string;
  startMs: number;
  firstLayerMs: number[];
  verdictMs: number[];
  /** Engine time inside the worker (weights + forward + backward, from LabResult.timings). */
  engineMs: number[];
  details: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function benchCase(server: RecordingServer, browser: Browser, bench: Case): Promise<Row[]> {
  const page = await openRunnerPage(browser, server);
  const rows: Row[] = [];
  try {
    for (const id of bench.exercises) {
      const exercise = { ...(await loadExercise(id)), timeLimitMs: 600_000 };
      const compiledJs = compile(readExerciseFile(id, 'solution.ts'));
      const measured = await page.evaluate(
        async ({ exercise, compiledJs, backend, runs }) => {
          const { createRunner } = (window as unknown as { initlabRunner: { createRunner: () => any } }).initlabRunner;
          const runner = createRunner();
          const out: { startMs: number; details: string; outcomes: Array<Pick<RunOutcome, 'status' | 'elapsedMs' | 'firstLayerMs'> & { message?: string; engineMs: number }> } = { startMs: NaN, details: '', outcomes: [] };
          try {
            const started = performance.now();
            const report = await runner.prewarm(backend);
            out.startMs = performance.now() - started;
            const passedOver = report.tried.filter((t: { ok: boolean }) => !t.ok).map((t: { name: string; reason?: string }) => `not ${t.name}: ${t.reason}`);
            out.details = [`${report.name}: ${report.details}`, ...passedOver].join('; ');
            // One unmeasured run first: the first use of each kernel compiles it.
            for (let i = 0; i <= runs; i++) {
              await runner.prewarm(backend);
              const outcome: RunOutcome = await runner.run({ exercise, compiledJs, backend }, () => undefined);
              if (i > 0 || outcome.status === 'error') {
                const engineMs = (outcome.results ?? []).reduce((sum, r) => sum + r.timings.initMs + r.timings.forwardMs + r.timings.backwardMs, 0);
                out.outcomes.push({ status: outcome.status, elapsedMs: outcome.elapsedMs, firstLayerMs: outcome.firstLayerMs, message: outcome.error?.message, engineMs });
              }
              if (outcome.status === 'error') break;
            }
          } catch (error) {
            out.details = `unavailable: ${error instanceof Error ? error.message : String(error)}`;
          } finally {
            runner.dispose();
          }
          return out;
        },
        { exercise, compiledJs, backend: bench.backend, runs: bench.runs } as never,
      );
      const failed = measured.outcomes.find((o) => o.status !== 'passed');
      rows.push({
        backend: bench.label,
        exercise: id,
        runs: measured.outcomes.length,
        status: failed ? `${failed.status}: ${failed.message ?? ''}` : measured.outcomes.length ? 'passed' : measured.details,
        startMs: measured.startMs,
        firstLayerMs: measured.outcomes.map((o) => o.firstLayerMs ?? NaN),
        verdictMs: measured.outcomes.map((o) => o.elapsedMs),
        engineMs: measured.outcomes.map((o) => o.engineMs),
        details: measured.details,
      });
      process.stderr.write(`  ${bench.label} ${id}: ${rows.at(-1)!.status}\n`);
    }
  } finally {
    await page.context().close();
  }
  return rows;
}

async function main() {
  const only = process.env.BENCH_BACKENDS?.split(',').map((name) => name.trim());
  const server = await serveBuiltSite(builtSiteDir());
  const rows: Row[] = [];
  try {
    for (const bench of CASES.filter((c) => !only || only.includes(c.backend))) {
      const browser = await launchBrowser(bench.browserArgs);
      try {
        rows.push(...(await benchCase(server, browser, bench)));
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }

  const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '—');
  const table = [
    ['backend', 'exercise', 'runs', 'backend start', 'first layer (median)', 'verdict (median)', 'of which engine', 'verdict (min–max)', 'status'],
    ...rows.map((r) => [
      r.backend, r.exercise, String(r.runs), ms(r.startMs), ms(median(r.firstLayerMs)), ms(median(r.verdictMs)), ms(median(r.engineMs)),
      r.verdictMs.length ? `${Math.round(Math.min(...r.verdictMs))}–${Math.round(Math.max(...r.verdictMs))} ms` : '—', r.status,
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  console.log('\nRunner: Run → first streamed layer → verdict, warm worker, headless Chromium');
  console.log(line(table[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table.slice(1)) console.log(line(row));
  console.log('\nBackends as started:');
  for (const label of [...new Set(rows.map((r) => r.backend))]) console.log(`  ${label}: ${rows.find((r) => r.backend === label)!.details}`);
  console.log('"of which engine": weights + forward + backward as timed inside the worker; the rest is the runner (messages, compiling the learner module, grading).');
  console.log('\nTargets (wasm): MLP verdict ≤ 1 s, AlexNet verdict ≤ 2 s, first layer ≤ 150 ms.');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

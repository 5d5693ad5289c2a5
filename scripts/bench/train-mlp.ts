/**
 * The training workload of `npm run bench` (issue 9): a 30-layer, 256-wide ReLU MLP (29 hidden layers and a
 * 10-way head), He-normal weights, 300 steps of SGD (momentum 0.9, lr 0.01) with batches of 64 on the digits,
 * streaming a point (gradient norms, update ratios, held-out accuracy) every 10 steps — what the widget does.
 * Its PyTorch twin is bench/train_mlp.py (same network, data, optimizer and streaming, at the same thread
 * count); `npm run bench` alternates the two in each thread count's process and prints the ratio of the medians.
 *
 * Alone: `npx tsx scripts/bench/train-mlp.ts [--reps N] [--threads N]`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '../../src/cli/backend';
import { PEER_SIMD128_ENV, PEER_THREAD_ENV } from '../bench-workloads';
import { DIGITS_FILE, loadDataset } from '../../src/data/load';
import { train } from '../../src/engine/train';
import { classifierMlp } from '../../src/engine/train-networks';

export const TRAINING_WORKLOAD = { depth: 30, width: 256, steps: 300, batch: 64, every: 10, learningRate: 0.01, momentum: 0.9 } as const;
export const TRAINING_NAME = `(t) training MLP ${TRAINING_WORKLOAD.depth}×${TRAINING_WORKLOAD.width} ReLU, ${TRAINING_WORKLOAD.steps} steps b${TRAINING_WORKLOAD.batch}`;
const TWIN = fileURLToPath(new URL('../../bench/train_mlp.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

export interface Timing { wall: number; cpu: number }

/** One run of the workload on the current TF.js backend. */
export async function runTrainingWorkload(): Promise<Timing> {
  const w = TRAINING_WORKLOAD;
  const dataset = await loadDataset('digits');
  const network = classifierMlp({ depth: w.depth, width: w.width, activation: 'relu', inputSize: 64, classes: 10 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await train({
    network, dataset, initializer: { name: 'he_normal' }, optimizer: { kind: 'sgd', momentum: w.momentum },
    learningRate: w.learningRate, batch: w.batch, steps: w.steps, seed: 1, every: w.every,
  });
  if (result.steps !== w.steps) throw new Error(`bench: the training run stopped after ${result.steps} steps`);
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/**
 * One run of the PyTorch twin with `threads` threads (its BLAS too: see PEER_THREAD_ENV): its own timing, or why
 * it could not run.
 */
export function runPytorchTwin(threads: number, simd128 = false): Timing | string {
  try {
    const env = { ...process.env, ...PEER_THREAD_ENV(threads), ...(simd128 ? PEER_SIMD128_ENV : {}) };
    const out = execFileSync(PYTHON, [TWIN, DIGITS_FILE, String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
    const { wall, cpu } = JSON.parse(out.trim().split('\n').pop()!) as Timing;
    return { wall, cpu };
  } catch (error) {
    return `PyTorch twin did not run (${(error as Error).message.split('\n')[0]}); install Debian's python3-torch`;
  }
}

/**
 * Alternates initlab and PyTorch `reps` times after one warm-up each: every timing, or the twin's reason; with `simd128`,
 * also the twin held to 128-bit SIMD (PEER_SIMD128_ENV) in the same rotation.
 */
export async function measureTraining(
  threads: number, reps: number, withPeer: boolean, simd128 = false,
): Promise<{ ours: Timing[]; theirs: Timing[] | string; theirs128: Timing[] }> {
  await runTrainingWorkload();
  const warm = withPeer ? runPytorchTwin(threads) : 'skipped (--no-peer)';
  if (withPeer && simd128) runPytorchTwin(threads, true);
  const ours: Timing[] = [];
  const theirs: Timing[] = [];
  const theirs128: Timing[] = [];
  for (let r = 0; r < reps; r++) {
    ours.push(await runTrainingWorkload());
    if (typeof warm !== 'string') {
      const twin = runPytorchTwin(threads);
      if (typeof twin === 'string') return { ours, theirs: twin, theirs128 };
      theirs.push(twin);
      const narrow = simd128 ? runPytorchTwin(threads, true) : null;
      if (narrow && typeof narrow !== 'string') theirs128.push(narrow);
    }
  }
  return { ours, theirs: typeof warm === 'string' ? warm : theirs, theirs128 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 3;
  const threads = args.includes('--threads') ? Number(args[args.indexOf('--threads') + 1]) : 1;
  await setupBackend('wasm', threads);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const { ours, theirs } = await measureTraining(threads, reps, true);
  const mine = median(ours.map((t) => t.wall));
  console.log(TRAINING_NAME, `${threads} thread(s): initlab ${mine.toFixed(2)} s`, typeof theirs === 'string'
    ? theirs : `PyTorch ${median(theirs.map((t) => t.wall)).toFixed(2)} s, ratio ${(mine / median(theirs.map((t) => t.wall))).toFixed(2)}× (medians of ${reps})`);
}

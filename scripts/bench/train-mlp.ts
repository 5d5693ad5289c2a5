/**
 * The training workload of `npm run bench` (issue 9): a 30-layer, 256-wide ReLU MLP (29 hidden layers and a
 * 10-way head), He-normal weights, 300 steps of SGD (momentum 0.9, lr 0.01) with batches of 64 on the digits,
 * streaming a point (gradient norms, update ratios, held-out accuracy) every 10 steps — what the widget does.
 * Its PyTorch twin is bench/train_mlp.py (same network, data, optimizer and streaming, 2 threads); the two
 * alternate, and the ratio of the medians is printed.
 *
 * Alone: `npx tsx scripts/bench/train-mlp.ts [--reps N] [--backends wasm,cpu]`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../src/cli/backend';
import { DIGITS_FILE, loadDataset } from '../../src/data/load';
import { train } from '../../src/engine/train';
import { classifierMlp } from '../../src/engine/train-networks';

export const TRAINING_WORKLOAD = { depth: 30, width: 256, steps: 300, batch: 64, every: 10, learningRate: 0.01, momentum: 0.9 } as const;
const TWIN = fileURLToPath(new URL('../../bench/train_mlp.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** One run of the workload on the current TF.js backend: wall seconds. */
export async function runTrainingWorkload(): Promise<number> {
  const w = TRAINING_WORKLOAD;
  const dataset = await loadDataset('digits');
  const network = classifierMlp({ depth: w.depth, width: w.width, activation: 'relu', inputSize: 64, classes: 10 });
  const t0 = performance.now();
  const result = await train({
    network, dataset, initializer: { name: 'he_normal' }, optimizer: { kind: 'sgd', momentum: w.momentum },
    learningRate: w.learningRate, batch: w.batch, steps: w.steps, seed: 1, every: w.every,
  });
  if (result.steps !== w.steps) throw new Error(`bench: the training run stopped after ${result.steps} steps`);
  return (performance.now() - t0) / 1000;
}

/** One run of the PyTorch twin (2 threads): its own wall seconds, or a reason it could not run. */
export function runPytorchTwin(): number | string {
  try {
    const out = execFileSync(PYTHON, [TWIN, DIGITS_FILE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return Number(JSON.parse(out.trim().split('\n').pop()!).wall);
  } catch (error) {
    return `PyTorch twin did not run (${(error as Error).message.split('\n')[0]}); install Debian's python3-torch`;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates initlab and PyTorch `reps` times (after one warm-up each) and prints the medians and their ratio. */
export async function reportTrainingBench(reps: number, backends: string[]): Promise<void> {
  const w = TRAINING_WORKLOAD;
  console.log(`\n(t) training: MLP ${w.depth}×${w.width} ReLU, ${w.steps} steps SGD+momentum, batch ${w.batch}, digits, a point every ${w.every} steps`);
  for (const backend of backends) {
    if (backend === 'wasm') await setupBackend();
    else await tf.setBackend(backend);
    if (tf.getBackend() !== backend) {
      console.log(`  ${backend}: not available`);
      continue;
    }
    await runTrainingWorkload();
    const warm = runPytorchTwin();
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < reps; r++) {
      ours.push(await runTrainingWorkload());
      if (typeof warm === 'number') theirs.push(runPytorchTwin() as number);
    }
    const mine = median(ours);
    if (typeof warm !== 'number') {
      console.log(`  initlab ${backend}: ${mine.toFixed(2)} s (median of ${reps}); ${warm}`);
      continue;
    }
    const peer = median(theirs);
    console.log(`  initlab ${backend}: ${mine.toFixed(2)} s   PyTorch (2 threads): ${peer.toFixed(2)} s   ratio ${(mine / peer).toFixed(2)}× (target ≤ 1.5×; medians of ${reps}, alternating)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 3;
  const backends = args.includes('--backends') ? args[args.indexOf('--backends') + 1].split(',') : ['wasm'];
  await reportTrainingBench(reps, backends);
}

/**
 * npm run bench [-- --reps N --backends wasm,cpu]
 *
 * Median wall time (and CPU time of this process) of the engine's three reference workloads, per TF.js backend
 * available in Node, next to PyTorch's figures on the same 2-core machine (../shared/browser-and-backends.md):
 *   (a) 50-layer, 512-wide ReLU MLP, batch 256: He weights drawn + forward + backward statistics
 *   (b) AlexNet (227), batch 4: forward statistics, weights drawn beforehand
 *   (c) AlexNet: drawing its 61 M He-normal weights and uploading them as tensors
 *   (t) training a 30-layer, 256-wide ReLU MLP for 300 steps on the digits, beside PyTorch (scripts/bench/train-mlp.ts)
 * Figures from a shared, busy machine are indicative; compare ratios from one run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alexnet, initializeWeights, mlp, prepareWeights, runLab, weightLayers, type PreparedWeights } from '../src/engine/index';
import { setupBackend } from '../src/cli/backend';
import { reportTrainingBench } from './bench/train-mlp';

interface Workload { name: string; target: number; pytorch: number; run: () => Promise<void>; prepare?: () => void }

function parse(argv: string[]): { reps: number; backends: string[] } {
  let reps = 5;
  let backends = ['wasm', 'cpu'];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') reps = Number(argv[++i]);
    else if (argv[i] === '--backends') backends = argv[++i].split(',');
  }
  return { reps, backends };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(workload: Workload, reps: number): Promise<{ wall: number; cpu: number }> {
  await workload.run(); // warm-up: kernels compiled, buffers allocated
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await workload.run();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

async function main(): Promise<void> {
  const { reps, backends } = parse(process.argv.slice(2));
  const mlpNet = mlp({ depth: 50, width: 512, activation: 'relu' });
  const alex = alexnet({ inputSize: 227 });
  let alexWeights: PreparedWeights | undefined;
  const workloads: Workload[] = [
    {
      name: '(a) MLP 50×512 ReLU, batch 256, init + fwd + bwd', target: 0.8, pytorch: 0.79,
      run: async () => { await runLab({ network: mlpNet, initializer: { name: 'he_normal' }, batch: 256, backward: true }); },
    },
    {
      name: '(b) AlexNet batch 4, forward stats', target: 0.15, pytorch: 0.10,
      run: async () => {
        alexWeights ??= prepareWeights(alex, { name: 'he_normal' });
        await runLab({ network: alex, weights: alexWeights, batch: 4 });
      },
    },
    {
      name: '(c) AlexNet weight initialization (61 M)', target: 0.6, pytorch: 0.58,
      run: async () => {
        const layers = weightLayers(alex);
        const weights = initializeWeights(alex, { name: 'he_normal' });
        for (let i = 0; i < layers.length; i++) tf.tensor(weights[i], layers[i].shape).dispose();
      },
    },
  ];

  const rows: string[][] = [];
  for (const backend of backends) {
    if (backend === 'wasm') {
      if ((await setupBackend()) !== 'wasm') { console.log('wasm backend unavailable in this Node'); continue; }
    } else if (!(await tf.setBackend(backend))) { console.log(`${backend} backend unavailable`); continue; }
    await tf.ready();
    // The cpu backend is ≈ 10× slower: fewer repetitions keep the bench short.
    const n = backend === 'cpu' ? Math.min(reps, 1) : reps;
    for (const workload of workloads) {
      const { wall, cpu } = await measure(workload, n);
      rows.push([backend, workload.name, wall.toFixed(3), cpu.toFixed(3), workload.target.toFixed(2), workload.pytorch.toFixed(2), String(n), wall <= workload.target ? 'yes' : 'no']);
      console.error(`done: ${backend} ${workload.name}`);
    }
    alexWeights?.dispose();
    alexWeights = undefined;
  }
  const header = ['backend', 'workload', 'median s', 'cpu s', 'target s', 'PyTorch s', 'reps', 'meets target'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(`\nnode ${process.version}; TF.js ${tf.version_core}; cpu s = CPU time of this process (user + system), less sensitive to other load.`);
  // Training (issue 9): initlab and its PyTorch twin alternate in this run; wasm only (cpu is ≈ 10× slower).
  await reportTrainingBench(Math.min(reps, 3), backends.filter((b) => b === 'wasm'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

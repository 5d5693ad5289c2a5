/**
 * npm run bench [-- --reps N --threads 1,2 --no-peer]
 *
 * Times the engine's reference workloads (scripts/bench-workloads.ts) on TF.js's WASM backend in Node and the same
 * workloads in PyTorch (bench/pytorch_peer.py, run by /usr/bin/python3 when it can import torch), alternating one
 * initlab run and one PyTorch run, and prints medians and initlab/PyTorch ratios. Each WASM thread count runs in a
 * process of its own (TF.js fixes the count when the backend starts), with PyTorch at the same count.
 * On a shared, busy machine single figures wander; the ratios from one run are what to compare.
 */
import { spawn, fork, type ChildProcessWithoutNullStreams } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../src/cli/backend';
import { benchWorkloads, type PeerRequest } from './bench-workloads';
import { reportTrainingBench } from './bench/train-mlp';

const PYTHON = '/usr/bin/python3';
const PEER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'pytorch_peer.py');

interface Options { reps: number; threads: number[]; peer: boolean; child: boolean }

interface Row {
  threads: number; workload: string; initlab: number; initlabCpu: number;
  pytorch: number | null; pytorchCpu: number | null; targetRatio: number; reps: number; actualThreads: number;
}

function parse(argv: string[]): Options {
  const cores = os.availableParallelism();
  const options: Options = { reps: 5, threads: [...new Set([1, cores])], peer: true, child: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') options.reps = Number(argv[++i]);
    else if (argv[i] === '--threads') options.threads = argv[++i].split(',').map(Number);
    else if (argv[i] === '--no-peer') options.peer = false;
    else if (argv[i] === '--child') options.child = true;
    else throw new Error(`unknown option ${argv[i]} (use --reps N, --threads 1,2, --no-peer)`);
  }
  if (!(options.reps >= 1) || options.threads.some((t) => !(t >= 1))) throw new Error('--reps and --threads need positive numbers');
  return options;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The PyTorch side: one long-lived python process answering one JSON line per request. */
class Peer {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(threads: number): Promise<{ peer: Peer; torch: string } | { reason: string }> {
    const child = spawn(PYTHON, [PEER_SCRIPT, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const failed = new Promise<{ reason: string }>((resolve) => {
      child.on('error', (error) => resolve({ reason: error.message }));
      child.on('exit', () => resolve({ reason: stderr.trim().split('\n').pop() ?? 'exited' }));
    });
    const peer = new Peer(child);
    const probe = peer.ask({ op: 'prepare', id: 'probe', kind: 'init', weightShapes: [] }) as Promise<{ torch: string; threads: number }>;
    const answer = await Promise.race([probe, failed]);
    if ('reason' in answer) return answer;
    return { peer, torch: `PyTorch ${answer.torch}, ${answer.threads} thread${answer.threads === 1 ? '' : 's'}` };
  }

  async ask(request: object): Promise<Record<string, unknown>> {
    this.child.stdin.write(JSON.stringify(request) + '\n');
    const next = await this.lines.next();
    if (next.done) throw new Error('the PyTorch peer stopped answering');
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  prepare(id: string, request: PeerRequest) { return this.ask({ op: 'prepare', id, ...request }); }
  async run(id: string): Promise<{ wall: number; cpu: number }> { return (await this.ask({ op: 'run', id })) as { wall: number; cpu: number }; }
  stop() { this.child.stdin.end(); }
}

async function timed(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/** One thread count, in this process: initlab and PyTorch alternate run by run. */
async function child(options: Options): Promise<void> {
  const threads = options.threads[0];
  await setupBackend('wasm', threads);
  const actualThreads = threads > 1 ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : 1;
  const started = options.peer ? await Peer.start(threads) : { reason: 'skipped (--no-peer)' };
  const peer = 'peer' in started ? started.peer : null;
  const rows: Row[] = [];
  for (const workload of benchWorkloads()) {
    workload.prepare?.();
    const usePeer = peer && workload.peer ? peer : null;
    if (usePeer) await usePeer.prepare(workload.id, workload.peer!);
    await workload.run(); // warm-up: kernels compiled, buffers allocated
    if (usePeer) await usePeer.run(workload.id);
    const ours: { wall: number; cpu: number }[] = [];
    const theirs: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < options.reps; r++) {
      ours.push(await timed(workload.run));
      if (usePeer) theirs.push(await usePeer.run(workload.id));
    }
    workload.dispose?.();
    rows.push({
      threads, workload: workload.name, targetRatio: workload.targetRatio, reps: options.reps, actualThreads,
      initlab: median(ours.map((m) => m.wall)), initlabCpu: median(ours.map((m) => m.cpu)),
      pytorch: theirs.length ? median(theirs.map((m) => m.wall)) : null, pytorchCpu: theirs.length ? median(theirs.map((m) => m.cpu)) : null,
    });
    console.error(`done: ${threads} thread(s), ${workload.name}`);
  }
  peer?.stop();
  process.send!({ rows, peer: 'torch' in started ? started.torch : `PyTorch not run: ${started.reason}`, tfjs: tf.version_core });
}

function table(rows: Row[]): string {
  const header = ['threads', 'workload', 'initlab s', 'PyTorch s', 'ratio', 'target', 'meets', 'initlab cpu s', 'PyTorch cpu s'];
  const cells = rows.map((r) => {
    const ratio = r.pytorch ? r.initlab / r.pytorch : null;
    return [
      r.actualThreads === r.threads ? String(r.threads) : `${r.threads} (got ${r.actualThreads})`, r.workload,
      r.initlab.toFixed(3), r.pytorch?.toFixed(3) ?? '—', ratio ? `${ratio.toFixed(2)}×` : '—', `≤ ${r.targetRatio.toFixed(1)}×`,
      ratio ? (ratio <= r.targetRatio ? 'yes' : 'no') : '—', r.initlabCpu.toFixed(3), r.pytorchCpu?.toFixed(3) ?? '—',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

function scaling(rows: Row[]): string[] {
  const counts = [...new Set(rows.map((r) => r.threads))].sort((a, b) => a - b);
  if (counts.length < 2) return [];
  const [one, most] = [counts[0], counts[counts.length - 1]];
  return [...new Set(rows.map((r) => r.workload))].map((name) => {
    const a = rows.find((r) => r.workload === name && r.threads === one)!;
    const b = rows.find((r) => r.workload === name && r.threads === most)!;
    const torch = a.pytorch && b.pytorch ? `, PyTorch ${(a.pytorch / b.pytorch).toFixed(2)}×` : '';
    return `${name}: ${one} → ${most} threads speeds initlab up ${(a.initlab / b.initlab).toFixed(2)}×${torch}`;
  });
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (options.child) return child(options);
  const rows: Row[] = [];
  const notes = new Set<string>();
  for (const threads of options.threads) {
    const args = ['--child', '--threads', String(threads), '--reps', String(options.reps), ...(options.peer ? [] : ['--no-peer'])];
    const worker = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const reply = await new Promise<{ rows: Row[]; peer: string; tfjs: string }>((resolve, reject) => {
      worker.on('message', (message) => resolve(message as { rows: Row[]; peer: string; tfjs: string }));
      worker.on('exit', (code) => reject(new Error(`the bench for ${threads} thread(s) exited with code ${code}`)));
    });
    rows.push(...reply.rows);
    notes.add(`TF.js ${reply.tfjs} (WASM backend); ${reply.peer}`);
  }
  console.log(table(rows));
  console.log('');
  for (const line of scaling(rows)) console.log(line);
  for (const note of notes) console.log(note);
  if ([...notes].some((n) => n.includes('PyTorch not run'))) {
    console.log(`To measure PyTorch in the same run: apt-get install python3-torch (then ${PYTHON} -c "import torch" works).`);
  }
  console.log(`node ${process.version}; ${os.availableParallelism()} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; medians of ${options.reps}, initlab and PyTorch alternating.`);
  // Training (issue 9's workload) beside its PyTorch twin, on the WASM backend in this process.
  await reportTrainingBench(Math.min(options.reps, 3), ['wasm']);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

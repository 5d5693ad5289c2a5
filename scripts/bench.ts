/**
 * npm run bench [-- --reps N --threads 1,2 --training-threads 1 --no-peer --peer-simd128]
 *
 * Times the engine's reference workloads (scripts/bench-workloads.ts) on TF.js's WASM backend in Node and the same
 * workloads in PyTorch (bench/pytorch_peer.py, run by /usr/bin/python3 when it can import torch), alternating one
 * initlab run and one PyTorch run, and prints medians and initlab/PyTorch ratios. Each WASM thread count runs in a
 * process of its own (TF.js fixes the count when the backend starts), with PyTorch at the same count (its BLAS
 * too; see PEER_THREAD_ENV). The
 * training workload (scripts/bench/train-mlp.ts, at most 3 reps) runs last in the processes of --training-threads
 * (default 1: one run takes tens of seconds, and PyTorch's 2-thread run takes minutes on this busy machine;
 * an empty list skips it).
 * On a shared, busy machine single figures wander; the ratios from one run are what to compare.
 * --peer-simd128 adds a second PyTorch in the same rotation, held to WebAssembly SIMD's vector width (PEER_SIMD128_ENV),
 * and a ratio to it: the part of the gap that is the instruction set, not the code.
 */
import { spawn, fork, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../src/cli/backend';
import { benchWorkloads, PEER_SIMD128_ENV, PEER_THREAD_ENV, type PeerRequest } from './bench-workloads';
import { measureTraining, TRAINING_NAME, type Timing } from './bench/train-mlp';

const PYTHON = '/usr/bin/python3';
const PEER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'pytorch_peer.py');

interface Options { reps: number; threads: number[]; trainingThreads: number[]; peer: boolean; simd128: boolean; child: boolean }

interface Row {
  threads: number; workload: string; initlab: number; initlabCpu: number;
  pytorch: number | null; pytorchCpu: number | null; targetRatio: number; reps: number; actualThreads: number;
  /** PyTorch held to 128-bit SIMD (--peer-simd128). */
  pytorch128: number | null;
}

function parse(argv: string[]): Options {
  const cores = os.availableParallelism();
  const options: Options = { reps: 5, threads: [...new Set([1, cores])], trainingThreads: [1], peer: true, simd128: false, child: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') options.reps = Number(argv[++i]);
    else if (argv[i] === '--threads') options.threads = argv[++i].split(',').map(Number);
    else if (argv[i] === '--no-peer') options.peer = false;
    else if (argv[i] === '--peer-simd128') options.simd128 = true;
    else if (argv[i] === '--training-threads') options.trainingThreads = argv[++i].split(',').filter(Boolean).map(Number);
    else if (argv[i] === '--child') options.child = true;
    else throw new Error(`unknown option ${argv[i]} (use --reps N, --threads 1,2, --training-threads 1, --no-peer, --peer-simd128)`);
  }
  if (!(options.reps >= 1) || [...options.threads, ...options.trainingThreads].some((t) => !(t >= 1))) throw new Error('--reps and --threads need positive numbers');
  return options;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The PyTorch side: one long-lived python process answering one JSON line per request. */
class Peer {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(threads: number, simd128 = false): Promise<{ peer: Peer; torch: string } | { reason: string }> {
    const env = { ...process.env, ...PEER_THREAD_ENV(threads), ...(simd128 ? PEER_SIMD128_ENV : {}) };
    const child = spawn(PYTHON, [PEER_SCRIPT, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'], env });
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

async function timed(run: () => Promise<void>): Promise<Timing> {
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
  const started128 = peer && options.simd128 ? await Peer.start(threads, true) : null;
  const peer128 = started128 && 'peer' in started128 ? started128.peer : null;
  const rows: Row[] = [];
  const cpuBefore = cpuByThread();
  for (const workload of benchWorkloads()) {
    workload.prepare?.();
    const usePeer = peer && workload.peer ? peer : null;
    const usePeer128 = usePeer ? peer128 : null;
    if (usePeer) await usePeer.prepare(workload.id, workload.peer!);
    if (usePeer128) await usePeer128.prepare(workload.id, workload.peer!);
    await workload.run(); // warm-up: kernels compiled, buffers allocated
    if (usePeer) await usePeer.run(workload.id);
    if (usePeer128) await usePeer128.run(workload.id);
    const ours: Timing[] = [];
    const theirs: Timing[] = [];
    const theirs128: Timing[] = [];
    for (let r = 0; r < options.reps; r++) {
      ours.push(await timed(workload.run));
      if (usePeer) theirs.push(await usePeer.run(workload.id));
      if (usePeer128) theirs128.push(await usePeer128.run(workload.id));
    }
    workload.dispose?.();
    rows.push(row(threads, actualThreads, workload.name, workload.targetRatio, ours, theirs, theirs128));
    console.error(`done: ${threads} thread(s), ${JSON.stringify(rows.at(-1))}`);
  }
  peer?.stop();
  peer128?.stop();
  const notes = [];
  if (started128 && 'reason' in started128) notes.push(`PyTorch at 128-bit SIMD not run: ${started128.reason}`);
  if (options.trainingThreads.includes(threads)) {
    const reps = Math.min(options.reps, 3);
    const { ours, theirs, theirs128 } = await measureTraining(threads, reps, options.peer, options.simd128);
    rows.push(row(threads, actualThreads, TRAINING_NAME, 1.5, ours, typeof theirs === 'string' ? [] : theirs, theirs128));
    if (typeof theirs === 'string') notes.push(`training twin: ${theirs}`);
    console.error(`done: ${threads} thread(s), training: ${JSON.stringify(rows.at(-1))}`);
  }
  const share = poolShare(cpuBefore, cpuByThread());
  if (share) notes.push(`${threads} WASM thread(s): ${share}`);
  process.send!({ rows, peer: 'torch' in started ? started.torch : `PyTorch not run: ${started.reason}`, tfjs: tf.version_core, notes });
}

function row(threads: number, actualThreads: number, workload: string, targetRatio: number, ours: Timing[], theirs: Timing[], theirs128: Timing[] = []): Row {
  return {
    pytorch128: theirs128.length ? median(theirs128.map((m) => m.wall)) : null,
    threads, workload, targetRatio, reps: ours.length, actualThreads,
    initlab: median(ours.map((m) => m.wall)), initlabCpu: median(ours.map((m) => m.cpu)),
    pytorch: theirs.length ? median(theirs.map((m) => m.wall)) : null, pytorchCpu: theirs.length ? median(theirs.map((m) => m.cpu)) : null,
  };
}

/** CPU seconds per thread of this process so far (Linux /proc; null elsewhere). */
function cpuByThread(): Map<string, number> | null {
  try {
    const out = new Map<string, number>();
    for (const task of fs.readdirSync('/proc/self/task')) {
      const stat = fs.readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(task, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in clock ticks of 10 ms
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * Whether XNNPACK's pool threads did work: the share of this process's CPU time spent outside the main thread
 * (V8's own helper threads — GC, compilation — take a few percent; a pool thread that works takes a share near
 * (threads − 1) / threads of the kernels' time).
 */
function poolShare(before: Map<string, number> | null, after: Map<string, number> | null): string | null {
  if (!before || !after) return null;
  const times = new Map([...after].map(([task, t]) => [task, t - (before.get(task) ?? 0)]));
  const main = times.get(String(process.pid)) ?? 0;
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const busiest = [...times.entries()].filter(([task]) => task !== String(process.pid)).sort((a, b) => b[1] - a[1])[0];
  if (!busiest || total === 0) return null;
  return `over the workloads the main thread did ${((main / total) * 100).toFixed(0)} % of the process's CPU time, the busiest other thread ${((busiest[1] / total) * 100).toFixed(0)} %`;
}

function table(rows: Row[]): string {
  const narrow = rows.some((r) => r.pytorch128 !== null);
  const header = ['threads', 'workload', 'initlab s', 'PyTorch s', 'ratio', 'target', 'meets', 'initlab cpu s', 'PyTorch cpu s',
    ...(narrow ? ['PyTorch SIMD128 s', 'ratio to it'] : [])];
  const cells = rows.map((r) => {
    const ratio = r.pytorch ? r.initlab / r.pytorch : null;
    return [
      r.actualThreads === r.threads ? String(r.threads) : `${r.threads} (got ${r.actualThreads})`, r.workload,
      r.initlab.toFixed(3), r.pytorch?.toFixed(3) ?? '—', ratio ? `${ratio.toFixed(2)}×` : '—', `≤ ${r.targetRatio.toFixed(1)}×`,
      ratio ? (ratio <= r.targetRatio ? 'yes' : 'no') : '—', r.initlabCpu.toFixed(3), r.pytorchCpu?.toFixed(3) ?? '—',
      ...(narrow ? [r.pytorch128?.toFixed(3) ?? '—', r.pytorch128 ? `${(r.initlab / r.pytorch128).toFixed(2)}×` : '—'] : []),
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
  return [...new Set(rows.map((r) => r.workload))].flatMap((name) => {
    const a = rows.find((r) => r.workload === name && r.threads === one);
    const b = rows.find((r) => r.workload === name && r.threads === most);
    if (!a || !b) return []; // measured at one thread count only (training, by default)
    const torch = a.pytorch && b.pytorch ? `, PyTorch ${(a.pytorch / b.pytorch).toFixed(2)}×` : '';
    return `${name}: ${one} → ${most} threads speeds initlab up ${(a.initlab / b.initlab).toFixed(2)}×${torch}`;
  });
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (options.child) return child(options);
  const startLoad = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const rows: Row[] = [];
  const notes = new Set<string>();
  for (const threads of options.threads) {
    const args = [
      '--child', '--threads', String(threads), '--reps', String(options.reps), '--training-threads', options.trainingThreads.join(','),
      ...(options.peer ? [] : ['--no-peer']), ...(options.simd128 ? ['--peer-simd128'] : []),
    ];
    const worker = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const reply = await new Promise<{ rows: Row[]; peer: string; tfjs: string; notes: string[] }>((resolve, reject) => {
      worker.on('message', (message) => resolve(message as { rows: Row[]; peer: string; tfjs: string; notes: string[] }));
      worker.on('exit', (code) => reject(new Error(`the bench for ${threads} thread(s) exited with code ${code}`)));
    });
    rows.push(...reply.rows);
    notes.add(`TF.js ${reply.tfjs} (WASM backend); ${reply.peer} (BLAS threads matched)`);
    for (const note of reply.notes) notes.add(note);
  }
  console.log(table(rows));
  console.log('');
  for (const line of scaling(rows)) console.log(line);
  for (const note of notes) console.log(note);
  if ([...notes].some((n) => n.includes('PyTorch not run'))) {
    console.log(`To measure PyTorch in the same run: apt-get install python3-torch (then ${PYTHON} -c "import torch" works).`);
  }
  console.log(`node ${process.version}; ${os.availableParallelism()} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (at the end; ${startLoad} at the start); medians of ${options.reps} (training: ${Math.min(options.reps, 3)}), initlab and PyTorch alternating.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Grades files in parallel: a pool of grader threads (grade-worker.ts), each grading one file at a time, at
 * most one per core. Used by `npm run grade` (one file or a class's folder) and `check:content`. A thread
 * that dies fails only the file it was grading; the next file gets a fresh thread. Idle threads do not
 * keep the process alive.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnswerGrader, Exercise } from '../engine/index';
import type { NodeBackend } from './backend';
import type { GradeOutcome } from './grade-source';
import type { GradeJob, GraderReply, GraderWorkerData } from './grade-worker';
import { learnerRealmCode } from './learner-realm-code';

const WORKER_URL = new URL('./grade-worker.ts', import.meta.url);
const TSX_ESM_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;

/** The grader's own failure (not a verdict on the file): the pool's thread crashed. */
export class GraderCrash extends Error {
  constructor(file: string, reason: string) {
    super(`grading ${file} crashed: ${reason}`);
    this.name = 'GraderCrash';
  }
}

interface Slot {
  worker: Worker;
  job: { id: number; file: string; resolve: (outcome: GradeOutcome) => void; reject: (error: Error) => void } | null;
}

type Pending = GradeJob & { resolve: (outcome: GradeOutcome) => void; reject: (error: Error) => void };

export class GraderPool {
  readonly size: number;
  private readonly backend: NodeBackend | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;

  constructor(options: { size?: number; backend?: NodeBackend } = {}) {
    this.size = Math.max(1, options.size ?? os.availableParallelism());
    this.backend = options.backend;
  }

  grade(exercise: Exercise, source: string, file: string, options: GradeJob['options'] = {}): Promise<GradeOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, exercise, source, file, options, resolve, reject });
      void this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private async dispatch(): Promise<void> {
    const code = await learnerRealmCode();
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn({ backend: this.backend, realmCode: code });
      if (!slot) return;
      const { resolve, reject, ...job } = this.queue.shift()!;
      slot.job = { id: job.id, file: job.file, resolve, reject };
      slot.worker.ref();
      slot.worker.postMessage(job satisfies GradeJob);
    }
  }

  /**
   * A grader thread runs TypeScript: a worker does not inherit the main thread's module hooks, and Node 20
   * ignores `--import` in a worker's execArgv, so a tiny JavaScript bootstrap registers tsx in it first.
   */
  private spawn(data: GraderWorkerData): Slot {
    const bootstrap = `import(${JSON.stringify(TSX_ESM_API)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    // Its stdout goes to our stderr: TF.js's notices must not mix with a --json report.
    const worker = new Worker(bootstrap, { eval: true, workerData: data, execArgv: [], stdout: true });
    worker.stdout.pipe(process.stderr);
    const slot: Slot = { worker, job: null };
    this.slots.push(slot);
    worker.on('message', (reply: GraderReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = null;
      worker.unref();
      if ('outcome' in reply) job.resolve(reply.outcome);
      else job.reject(new GraderCrash(job.file, reply.crash));
      void this.dispatch();
    });
    const lost = (reason: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.job?.reject(new GraderCrash(slot.job.file, reason));
      slot.job = null;
      void this.dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`its thread exited (code ${code})`));
    return slot;
  }
}

let shared: GraderPool | undefined;

/** An AnswerGrader for checkExercise (check:content, tests): the files go through a pool shared by the process. */
export function nodeAnswerGrader(options: GradeJob['options'] = {}): AnswerGrader {
  shared ??= new GraderPool();
  const pool = shared;
  return (exercise, source, file) => pool.grade(exercise, source, file, options);
}

/**
 * The grader's side of a learner's realm in Node: a LearnerSource that starts the learner's worker thread
 * (learner-worker.ts) for a job and hands its messages to gradeSubmission. Stopping the iterator terminates
 * the worker at once (time-out, or no more layers needed). A worker that runs out of its heap (JS arrays,
 * objects) is reported as a learner error of kind 'memory', from the error's code.
 */
import { Worker } from 'node:worker_threads';
import type { LearnerJob, LearnerSource } from '../engine/index';
import { learnerRealmCode, type LearnerRealmCode } from './learner-realm-code';
import type { LearnerWorkerData } from './learner-worker';

export interface LearnerRealmOptions {
  /** The learner's file compiled to CommonJS JavaScript. */
  compiledJs: string;
  /** How the file is named in messages. */
  file: string;
  /** The learner's heap (old generation) in MB. Default 2048. */
  memoryMb?: number;
  /** The realm's programs, when a parent thread built them already. */
  code?: LearnerRealmCode;
}

export function nodeLearnerSource(options: LearnerRealmOptions): LearnerSource {
  return (spec) => new LearnerWorkerMessages({ type: 'job', compiledJs: options.compiledJs, file: options.file, ...spec }, options);
}

/** The worker's messages as an async iterator; `return()` terminates the worker. */
class LearnerWorkerMessages implements AsyncIterableIterator<unknown> {
  private readonly queue: unknown[] = [];
  private waiting: ((result: IteratorResult<unknown>) => void) | null = null;
  private ended = false;
  private failure: Error | null = null;
  private worker: Worker | null = null;
  private readonly memoryMb: number;

  constructor(job: LearnerJob, options: LearnerRealmOptions) {
    this.memoryMb = options.memoryMb ?? 2048;
    void learnerRealmCode(options.code).then(
      (code) => this.start(code, job),
      (error: unknown) => this.end(error instanceof Error ? error : new Error(String(error))),
    );
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.queue.length) return Promise.resolve({ done: false, value: this.queue.shift() });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiting = (result) => {
        this.waiting = null;
        if (this.failure && result.done) reject(this.failure);
        else resolve(result);
      };
    });
  }

  return(): Promise<IteratorResult<unknown>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  private start(code: LearnerRealmCode, job: LearnerJob): void {
    if (this.ended) return;
    const workerData: LearnerWorkerData = { realmCode: code.realm, job };
    const worker = new Worker(code.worker, {
      eval: true, workerData, execArgv: [], env: {}, stdout: true, stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
    });
    this.worker = worker;
    worker.on('message', (message: unknown) => this.push(message));
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.push({ type: 'learner-error', kind: 'memory', message: `your code ran out of memory: it used up the ${this.memoryMb} MB the learner's code may use` });
        this.end();
      } else {
        this.end(new Error(`the learner's worker crashed: ${error.message}`));
      }
    });
    worker.on('exit', () => this.end());
  }

  private push(message: unknown): void {
    if (this.ended) return;
    if (this.waiting) this.waiting({ done: false, value: message });
    else this.queue.push(message);
  }

  private end(failure?: Error): void {
    if (this.ended) return;
    this.ended = true;
    if (failure) this.failure = failure;
    void this.worker?.terminate();
    this.waiting?.({ done: true, value: undefined });
  }
}

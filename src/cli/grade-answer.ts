/**
 * Grades a learner's source file in Node: compile (TypeScript → CommonJS), run in a worker thread with the
 * exercise's time limit, and turn a timeout into a message naming the layer. Used by the CLI, by
 * `check:content` (through nodeAnswerGrader) and by the unit tests.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Exercise, ExerciseOutcome, AnswerGrader } from '../engine/index';
import type { NodeBackend } from './backend';
import { compileLearnerSource, CompileError } from './compile';

export interface GradeAnswerOptions {
  seed?: number;
  batch?: number;
  backend?: NodeBackend;
  /** Overrides exercise.timeLimitMs. */
  timeLimitMs?: number;
}

export interface NodeGradeOutcome extends ExerciseOutcome {
  backend?: NodeBackend;
  /** True when the source could not be compiled or loaded (the CLI exits with 2). */
  badInput?: boolean;
}

type WorkerMessage =
  | { type: 'ready'; backend: NodeBackend }
  | { type: 'init-layer'; index: number; name: string; network: number }
  | { type: 'layer'; index: number; name: string; phase: 'forward' | 'backward'; network: number }
  | { type: 'done'; outcome: ExerciseOutcome }
  | { type: 'crash'; message: string };

const WORKER_URL = new URL('./grade-worker.ts', import.meta.url);
const TSX_ESM_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;

/**
 * The worker is TypeScript. A worker does not inherit the main thread's module hooks, and Node 20 ignores
 * `--import` in a worker's execArgv, so a tiny JavaScript bootstrap registers tsx in the worker first.
 * This works the same under `tsx` (the CLI) and under vitest.
 */
function startWorker(workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(TSX_ESM_API)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
}

export async function gradeAnswer(exercise: Exercise, source: string, file: string, options: GradeAnswerOptions = {}): Promise<NodeGradeOutcome> {
  let compiledJs: string;
  try {
    compiledJs = compileLearnerSource(source, file);
  } catch (error) {
    if (error instanceof CompileError) {
      return { passed: false, message: error.message, checks: [], verdicts: [], results: [], error: { kind: 'compile' }, badInput: true };
    }
    throw error;
  }
  const timeLimitMs = options.timeLimitMs ?? exercise.timeLimitMs;
  const worker = startWorker({ exercise, compiledJs, file, seed: options.seed, batch: options.batch, backend: options.backend });
  return new Promise<NodeGradeOutcome>((resolve, reject) => {
    let backend: NodeBackend | undefined;
    let lastInit: { index: number; name: string } | undefined;
    let lastDone: { index: number; name: string; phase: string } | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (outcome: NodeGradeOutcome | Error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onTimeout = () => {
      const seconds = `${timeLimitMs / 1000} s`;
      let message: string;
      let layer: number | undefined;
      // The initializer is called just before a layer's forward pass: an init-layer event without that layer's
      // forward statistics means the learner's code (or, rarely, that one layer's forward pass) was running.
      if (lastInit && (!lastDone || (lastDone.phase === 'forward' && lastDone.index < lastInit.index))) {
        layer = lastInit.index;
        message = `layer ${lastInit.index} (${lastInit.name}): your initializer did not return within the time limit of ${seconds} (an endless loop?)`;
      } else {
        message = `stopped after the time limit of ${seconds}${lastDone ? `, after layer ${lastDone.index} (${lastDone.name}, ${lastDone.phase})` : ''}: the run is too slow`;
      }
      finish({ passed: false, message, checks: [], verdicts: [], results: [], error: { kind: 'timeout', layer }, backend });
    };
    worker.on('message', (msg: WorkerMessage) => {
      switch (msg.type) {
        case 'ready':
          backend = msg.backend;
          // The clock starts once the backend is up: worker start-up is not the learner's time.
          timer = setTimeout(onTimeout, timeLimitMs);
          break;
        case 'init-layer':
          lastInit = msg;
          break;
        case 'layer':
          lastDone = msg;
          break;
        case 'done':
          finish({ ...msg.outcome, backend, badInput: msg.outcome.error?.kind === 'not-a-function' || undefined });
          break;
        case 'crash':
          finish(new Error(`grading ${file} crashed: ${msg.message}`));
          break;
      }
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(new Error(`grading worker for ${file} exited (code ${code}) without a result`)));
  });
}

/** An AnswerGrader for checkExercise (check:content, unit tests). */
export function nodeAnswerGrader(options: GradeAnswerOptions = {}): AnswerGrader {
  return (exercise, source, file) => gradeAnswer(exercise, source, file, options);
}

/**
 * A grader thread of the pool (grader-pool.ts): sets up TF.js (WASM, else CPU) once, then grades one file
 * at a time with gradeSource. The learner's code never runs here: each file gets its own learner worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Exercise } from '../engine/index';
import { setupBackend, type NodeBackend } from './backend';
import { gradeSource, type GradeOutcome, type GradeSourceOptions } from './grade-source';
import type { LearnerRealmCode } from './learner-realm-code';

export interface GraderWorkerData {
  backend?: NodeBackend;
  realmCode: LearnerRealmCode;
}

export interface GradeJob {
  id: number;
  exercise: Exercise;
  source: string;
  file: string;
  options: Omit<GradeSourceOptions, 'realmCode'>;
}

export type GraderReply = { id: number; outcome: GradeOutcome } | { id: number; crash: string };

const data = workerData as GraderWorkerData;
const port = parentPort!;
const backend = setupBackend(data.backend);

port.on('message', (job: GradeJob) => {
  void (async () => {
    try {
      const used = await backend;
      const outcome = await gradeSource(job.exercise, job.source, job.file, { ...job.options, realmCode: data.realmCode });
      port.postMessage({ id: job.id, outcome: { ...outcome, backend: used } } satisfies GraderReply);
    } catch (error) {
      port.postMessage({ id: job.id, crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } satisfies GraderReply);
    }
  })();
});

/**
 * Worker thread that grades one learner answer: the learner's code runs here, so the main thread can stop it
 * (Worker.terminate) when it exceeds the exercise's time limit. Messages: see WorkerMessage in grade-answer.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateInitializerModule, LearnerError, runExercise, type Exercise } from '../engine/index';
import { loadDataset } from '../data/load';
import { setupBackend, tf, type NodeBackend } from './backend';

interface Job {
  exercise: Exercise;
  compiledJs: string;
  file: string;
  seed?: number;
  batch?: number;
  backend?: NodeBackend;
}

async function main(job: Job): Promise<void> {
  const port = parentPort!;
  const backend = await setupBackend(job.backend);
  port.postMessage({ type: 'ready', backend });
  let initializer;
  try {
    initializer = evaluateInitializerModule(job.compiledJs, job.file, tf);
  } catch (error) {
    if (error instanceof LearnerError) {
      port.postMessage({ type: 'done', outcome: { passed: false, message: error.message, verdicts: [], results: [], error: { kind: error.kind } } });
      return;
    }
    throw error;
  }
  const outcome = await runExercise(job.exercise, initializer, {
    seed: job.seed,
    batch: job.batch,
    loadDataset,
    onInitLayer: (layer, network) => port.postMessage({ type: 'init-layer', index: layer.index, name: layer.name, network }),
    onLayer: (stats, phase, network) => port.postMessage({ type: 'layer', index: stats.index, name: stats.name, phase, network }),
  });
  port.postMessage({ type: 'done', outcome });
}

main(workerData as Job).catch((error: unknown) => {
  parentPort!.postMessage({ type: 'crash', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
});

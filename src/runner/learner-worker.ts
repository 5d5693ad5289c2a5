/**
 * The learner's realm in the browser: a Web Worker of its own, started by the sandbox frame next to the
 * grader worker. It evaluates the learner's compiled file with its own TF.js (core + CPU backend: the
 * learner's `tf` is for cheap ops) and the learner tools of src/engine/learner-api.ts, and answers the
 * grader's one `LearnerJob` with the messages of src/engine/realm-protocol.ts: a `layer-start` and the
 * layer's weights (transferred) per layer, or a learner error, then `learner-done`.
 *
 * Its one channel is a MessagePort to the grader worker, which checks every message with
 * `parseFromLearner` and validates the weights again. It has no port to the page, no verdict to forge,
 * and nothing it patches (built-ins, prototypes) exists in the grader's realm. Before the learner's code
 * runs, the worker's global scope loses the network, storage, nested workers and `postMessage` to the
 * frame (lockdown.ts), learner allocations are counted (memory-budget.ts), and errors the learner's code
 * throws outside the initializer are kept in here.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { callInitializer, evaluateInitializerModule, LearnerError, learnerRandom, type LearnerInitializer } from '../engine/learner-api';
import { labRandomStreams } from '../engine/lab';
import type { FromLearner, LearnerJob } from '../engine/realm-protocol';
import { lockDownWorkerGlobals } from './lockdown';
import { installAllocationBudget } from './memory-budget';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ port?: MessagePort }>) => void) | null;
  addEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void;
};

scope.onmessage = (event) => {
  const port = event.data?.port;
  if (!(port instanceof MessagePort)) return;
  scope.onmessage = null;
  void start(port);
};

async function start(port: MessagePort): Promise<void> {
  // Captured before any learner code runs: patching MessagePort.prototype later changes nothing here.
  const post = MessagePort.prototype.postMessage.bind(port) as (message: FromLearner, transfer?: Transferable[]) => void;
  await tf.setBackend('cpu');
  await tf.ready();
  // An error the learner's code throws later (a timer, a rejected promise) stays in this realm.
  const swallow = (event: Event) => event.preventDefault();
  scope.addEventListener('error', swallow);
  scope.addEventListener('unhandledrejection', swallow);
  lockDownWorkerGlobals(globalThis, { learnerRealm: true });
  const budget = installAllocationBudget();
  let started = false;
  port.onmessage = (message: MessageEvent<LearnerJob>) => {
    if (started || message.data?.type !== 'job') return;
    started = true;
    runJob(message.data, post, budget);
  };
}

function runJob(job: LearnerJob, post: (message: FromLearner, transfer?: Transferable[]) => void, budget: ReturnType<typeof installAllocationBudget>): void {
  let layer: number | undefined;
  try {
    const init = budget.counting(() => evaluateInitializerModule(job.compiledJs, job.file, tf));
    const counted: LearnerInitializer = (info, tools) => budget.counting(() => init(info, tools));
    // Plain loops: the learner's file may have patched Array.prototype by now.
    for (let n = 0; n < job.networks.length; n++) {
      // The same stream the engine's lab draws reference weights from, so a seeded answer is reproducible.
      const tools = { tf, random: learnerRandom(labRandomStreams(job.seed).weights) };
      const layers = job.networks[n].layers;
      for (let i = 0; i < layers.length; i++) {
        const info = layers[i];
        layer = info.index;
        post({ type: 'layer-start', network: n, layer: info.index });
        // A copy this realm no longer holds: the learner may return one array twice, or keep it.
        const values = new Float32Array(callInitializer(counted, info, tools));
        post({ type: 'weights', network: n, layer: info.index, values }, [values.buffer]);
      }
    }
    post({ type: 'learner-done' });
  } catch (error) {
    // The kind comes from where the failure happened (the allocation budget saw it), never from its text.
    const kind = budget.exhausted ? 'memory' : error instanceof LearnerError ? error.kind : 'threw';
    const message = error instanceof LearnerError ? error.message : `${job.file}: ${String(error)}`;
    post({ type: 'learner-error', kind, message, layer: error instanceof LearnerError ? error.layer : layer });
  }
}

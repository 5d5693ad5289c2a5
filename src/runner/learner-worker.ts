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
import { learnerMessages } from '../engine/learner-realm';
import type { FromLearner, LearnerJob } from '../engine/realm-protocol';
import { lockDownWorkerGlobals } from './lockdown';
import { installAllocationBudget, type AllocationBudget } from './memory-budget';

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

function runJob(job: LearnerJob, post: (message: FromLearner, transfer?: Transferable[]) => void, budget: AllocationBudget): void {
  const messages = learnerMessages(job, tf);
  for (;;) {
    // Everything this realm allocates is the learner's: the whole step is counted.
    const step = budget.counting(() => messages.next());
    if (step.done) return;
    const message = step.value;
    if (message.type === 'weights') {
      // A copy this realm no longer holds: the learner may return one array twice, or keep it.
      const values = new Float32Array(message.values);
      post({ ...message, values }, [values.buffer]);
    } else if (message.type === 'learner-error' && budget.exhausted) {
      // The kind comes from where the failure happened (the allocation budget saw it), never from its text.
      post({ ...message, kind: 'memory' });
    } else {
      post(message);
    }
  }
}

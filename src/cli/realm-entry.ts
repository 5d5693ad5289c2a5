/**
 * The program of a learner's realm in Node: bundled (learner-realm-code.ts) with its own TF.js (core + CPU
 * backend) and evaluated inside an empty `vm` context in the learner's worker thread. It exposes one
 * function on the context's global object, which the worker captures before any learner code runs.
 * Runs in the context, not in Node: no Node built-ins, no host object.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { learnerMessages } from '../engine/learner-realm';
import { WEBASSEMBLY_UNAVAILABLE, type LearnerJob } from '../engine/realm-protocol';

// The context is neither a browser nor Node, so TF.js finds no platform of its own: give it the clock.
tf.setPlatform('initlab-learner-realm', {
  fetch: () => Promise.reject(new Error('no network in the learner realm')),
  now: () => Date.now(),
  encode: () => { throw new Error('string tensors are not available in the learner realm'); },
  decode: () => { throw new Error('string tensors are not available in the learner realm'); },
  isTypedArray: (a: unknown): a is Float32Array | Int32Array | Uint8Array | Uint8ClampedArray =>
    a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray,
});
void tf.setBackend('cpu');

// As in the browser's learner worker (lockdown.ts): the engine took its reference to WebAssembly when its modules
// were evaluated (orthogonal.ts); the learner's code gets none.
Object.defineProperty(globalThis, 'WebAssembly', {
  configurable: false,
  enumerable: false,
  get() {
    throw new Error(WEBASSEMBLY_UNAVAILABLE);
  },
});

(globalThis as { initlabLearnerMessages?: unknown }).initlabLearnerMessages = (jobJson: string) =>
  learnerMessages(JSON.parse(jobJson) as LearnerJob, tf);

/**
 * What runs inside the learner's realm (Node: a `vm` context in its own worker thread; browser: the learner
 * Web Worker): load the learner's file, call its initializer layer by layer, and produce the realm's side of
 * realm-protocol.ts as a stream of messages. The host of the realm only forwards what this yields.
 *
 * Pure and bundle-able: no DOM, no Node built-ins; `tf` is the realm's own TF.js instance.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { labRandomStreams } from './lab';
import { callInitializer, evaluateInitializerModule, LearnerError, learnerRandom, type InitTools, type LearnerInitializer } from './learner-api';
import type { FromLearner, LearnerJob } from './realm-protocol';

/** The messages for one job: learner-ready, then per layer layer-start + weights, then learner-done (or a learner-error). */
export function* learnerMessages(job: LearnerJob, tf: typeof TF): Generator<FromLearner, void, void> {
  yield { type: 'learner-ready' };
  let init: LearnerInitializer;
  try {
    init = evaluateInitializerModule(job.compiledJs, job.file, tf);
  } catch (error) {
    yield learnerErrorMessage(error);
    return;
  }
  yield* initializerMessages(init, job, tf);
}

/**
 * The per-layer messages for an initializer already loaded. Each network draws from the weight stream of
 * `labRandomStreams(job.seed)`, the stream runLab draws a reference initializer from, so a learner's file
 * that calls `random.normal` like the reference gets the very same weights.
 */
export function* initializerMessages(
  init: LearnerInitializer, job: Pick<LearnerJob, 'seed' | 'networks'>, tf: typeof TF,
): Generator<FromLearner, void, void> {
  for (let network = 0; network < job.networks.length; network++) {
    const tools: InitTools = Object.freeze({ tf, random: learnerRandom(labRandomStreams(job.seed).weights) });
    for (const layer of job.networks[network].layers) {
      yield { type: 'layer-start', network, layer: layer.index };
      let values: Float32Array;
      try {
        values = callInitializer(init, layer, tools);
      } catch (error) {
        yield learnerErrorMessage(error, layer.index);
        return;
      }
      yield { type: 'weights', network, layer: layer.index, values };
    }
  }
  yield { type: 'learner-done' };
}

function learnerErrorMessage(error: unknown, layer?: number): FromLearner {
  if (error instanceof LearnerError) return { type: 'learner-error', kind: error.kind, message: error.message, layer: error.layer ?? layer };
  // Not the engine's own rejection: the learner's code broke the realm's tools (e.g. by patching built-ins).
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { type: 'learner-error', kind: 'threw', message: `your code broke the initializer's tools: ${text}`, layer };
}

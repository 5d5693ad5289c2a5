/**
 * The grader's side of the learner's realm in the browser: the learner worker's MessagePort as the engine's
 * LearnerSource. Pure of the DOM (a MessagePort is all it needs), so Node's MessageChannel tests it.
 */
import { LearnerError } from '../engine/learner-api';
import { parseFromLearner, type FromLearner, type LearnerJob } from '../engine/realm-protocol';
import type { LearnerSource } from '../engine/submission';

/**
 * The learner's realm as the engine's LearnerSource: sends the learner worker its job and yields what it
 * answers, accepting exactly the protocol's order (learner-ready; per layer a layer-start then its weights;
 * learner-done; or a learner-error at any point). Anything else (a malformed message, a layer out of order,
 * one message too many) ends the exchange with a learner error and closes the port, so a flood stops here
 * and never reaches the page. Closing (the engine's return(), on a time-out or when done) tells the page to
 * stop the learner worker.
 */
export function learnerPortSource(learner: MessagePort, compiledJs: string, onClose: () => void): LearnerSource {
  return (spec) => {
    const job: LearnerJob = { type: 'job', compiledJs, file: 'your code', ...spec };
    const queue: FromLearner[] = [];
    let failure: LearnerError | null = null;
    let closed = false;
    let wake: (() => void) | null = null;
    let ready = false;
    let network = 0;
    let layer = 0; // index into spec.networks[network].layers of the layer due next
    let started = false;
    const close = () => {
      if (closed) return;
      closed = true;
      learner.onmessage = null;
      learner.close();
      onClose();
      wake?.();
    };
    /** Why this message is not the one due, or null when it is. */
    const outOfOrder = (message: FromLearner): string | null => {
      const due = spec.networks[network]?.layers[layer];
      switch (message.type) {
        case 'learner-ready':
          return ready ? 'a second learner-ready' : ((ready = true), null);
        case 'layer-start':
          if (!ready || started || !due || message.network !== network || message.layer !== due.index) return 'a layer started out of order';
          started = true;
          return null;
        case 'weights':
          if (!started || !due || message.network !== network || message.layer !== due.index) return 'weights out of order';
          started = false;
          layer++;
          while (network < spec.networks.length && layer >= spec.networks[network].layers.length) {
            network++;
            layer = 0;
          }
          return null;
        case 'learner-error':
          return null;
        case 'learner-done':
          return network < spec.networks.length ? 'learner-done before every layer had weights' : null;
      }
    };
    learner.onmessage = (event: MessageEvent) => {
      if (closed) return;
      const message = parseFromLearner(event.data);
      const problem = message ? outOfOrder(message) : 'a message that is not part of the protocol';
      if (problem || !message) {
        failure = new LearnerError('threw', `your code sent the grader ${problem}: only the weights your initializer returns are accepted, so the run was stopped`);
        close();
        return;
      }
      queue.push(message);
      if (message.type === 'learner-error' || message.type === 'learner-done') close();
      wake?.();
    };
    learner.postMessage(job);
    const iterator: AsyncIterator<unknown> = {
      async next() {
        for (;;) {
          const message = queue.shift();
          if (message) return { value: message, done: false };
          if (failure) throw failure;
          if (closed) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      },
      async return() {
        close();
        return { value: undefined, done: true };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  };
}


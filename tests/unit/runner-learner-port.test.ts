/**
 * The grader worker's end of the learner's realm (learner-port-source.ts) over a real MessageChannel, graded
 * by the engine's gradeSubmission: an honest realm's answer is graded like the engine grades it in process,
 * and a realm that floods, forges a verdict or sends layers out of order is cut off with a learner error.
 * (The browser's two workers around it are tested in tests/e2e/runner-guards.test.ts.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { compileLearnerSource } from '../../src/cli/compile';
import { loadExercise } from '../../src/cli/exercise-files';
import type { Exercise } from '../../src/engine/exercise-schema';
import { learnerMessages } from '../../src/engine/learner-realm';
import type { LearnerJob } from '../../src/engine/realm-protocol';
import { gradeSubmission } from '../../src/engine/submission';
import { learnerPortSource } from '../../src/runner/learner-port-source';

beforeAll(async () => {
  await setupBackend();
});

async function smallExercise(): Promise<Exercise> {
  const exercise = await loadExercise('he-relu-50');
  return { ...exercise, networks: [{ preset: 'mlp', depth: 5, width: 64, activation: 'relu' }] } as Exercise;
}

/** Grades with the realm's end of the channel played by `realm`; counts what the grader got past its port. */
async function gradeOverChannel(realm: (port: MessagePort, job: LearnerJob) => void) {
  const exercise = await smallExercise();
  const { port1, port2 } = new MessageChannel();
  let closed = 0;
  port2.onmessage = (event: MessageEvent<LearnerJob>) => realm(port2, event.data);
  const report = await gradeSubmission(exercise, learnerPortSource(port1, '', () => closed++), { timeLimitMs: 10_000 });
  port2.close();
  return { report, closed };
}

const answer = (source: string) => (port: MessagePort, job: LearnerJob) => {
  for (const message of learnerMessages({ ...job, compiledJs: compileLearnerSource(source, 'answer.ts') }, tf)) port.postMessage(message);
};

describe('the learner port as the grader sees it', () => {
  it("grades an honest realm's He weights as passed and a zero answer as failed, stopping the realm once", async () => {
    const he = await gradeOverChannel(answer('export default (layer: LayerInfo, { random }: InitTools): Weights => random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));'));
    expect(he.report.passed).toBe(true);
    expect(he.closed).toBe(1);
    const zeros = await gradeOverChannel(answer('export default (layer: LayerInfo): Weights => new Float32Array(layer.shape[0] * layer.shape[1]);'));
    expect(zeros.report.passed).toBe(false);
    expect(zeros.report.error).toBeUndefined(); // valid weights that fail the checks
  });

  it('cuts off a realm that floods the grader with layer messages, at the first one out of order', async () => {
    let sent = 0;
    const { report, closed } = await gradeOverChannel((port) => {
      port.postMessage({ type: 'learner-ready' });
      for (; sent < 100_000; sent++) port.postMessage({ type: 'layer-start', network: 0, layer: 1 });
    });
    expect(report.passed).toBe(false);
    expect(report.error?.kind).toBe('threw');
    expect(report.message).toMatch(/sent the grader a layer started out of order/);
    expect(closed).toBe(1);
  });

  it('does not take a forged verdict or a message outside the protocol', async () => {
    const { report } = await gradeOverChannel((port) => {
      port.postMessage({ type: 'learner-ready' });
      port.postMessage({ type: 'done', verdict: { passed: true, message: 'Passed', details: [] } });
    });
    expect(report.passed).toBe(false);
    expect(report.message).toMatch(/not part of the protocol/);
  });

  it('validates the weights again: a short array is a length error naming the layer', async () => {
    const { report } = await gradeOverChannel((port) => {
      port.postMessage({ type: 'learner-ready' });
      port.postMessage({ type: 'layer-start', network: 0, layer: 1 });
      port.postMessage({ type: 'weights', network: 0, layer: 1, values: new Float32Array(3) });
    });
    expect(report.passed).toBe(false);
    expect(report.error?.kind).toBe('length');
    expect(report.error?.layer).toBe(1);
  });
});

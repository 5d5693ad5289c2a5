/**
 * The training exercise graded in a real browser (the built site's runner-check page): the page fetches the
 * digits file and hands it to the sandboxed grader worker, which cannot fetch. The reference answer passes on
 * both of the criterion's seeds, a known-wrong answer fails with the message exercise.json expects for it, and
 * a corrupt data file fails with the file named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';
import { compile, loadExercise, readExerciseFile, runInPage, runnerSession } from './runner-support';
import type { Exercise } from '../../src/engine/exercise-schema';
import { setupBackend } from '../../src/cli/backend';
import { gradeSource } from '../../src/cli/grade-source';

const ID = 'train-deep-relu';

const session = runnerSession();
let exercise: Exercise;

beforeAll(async () => {
  exercise = await loadExercise(ID);
  await session.open();
});
afterAll(() => session.close());

const expectedFailure = (file: string) => {
  const wrong = exercise.wrongAnswers?.find((w) => w.file === file);
  if (!wrong) throw new Error(`${ID}/exercise.json lists no wrong answer ${file}`);
  return wrong.expect;
};

describe(`${ID} in the browser`, () => {
  it('the reference answer trains on the digits the page sent and passes on every seed', async () => {
    const train = exercise.criteria.train!;
    const before = session.server.requests.length;
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile(ID, 'solution.ts')), backend: 'wasm' });
    console.log(`${ID} solution.ts: ${outcome.status} in ${Math.round(outcome.elapsedMs)} ms on ${outcome.backend}: ${outcome.verdict?.message ?? outcome.error?.message}`);
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe('passed');
    const message = outcome.verdict!.message;
    expect(message).toContain(`after ${train.steps} steps on digits 8×8, seeds ${train.seeds.join(', ')}`);
    const accuracies = (text: string) => [...text.matchAll(/(\d+(?:\.\d+)?) %/g)].map((m) => Number(m[1]) / 100).slice(0, train.seeds.length);
    // One held-out accuracy per seed, each at least the criterion's (the last percentage is the threshold).
    expect(accuracies(message).every((a) => a >= train.minAccuracy!)).toBe(true);
    // The CLI grader (Node, its own realm and loader) trains the same file to the same verdict; the held-out
    // accuracies may differ by a few examples at most, where the two WASM builds sum in another order.
    await setupBackend();
    const cli = await gradeSource(exercise, readExerciseFile(ID, 'solution.ts'), 'solution.ts');
    console.log(`${ID} solution.ts through the CLI grader: ${cli.message}`);
    expect(cli.passed).toBe(true);
    accuracies(cli.message).forEach((a, i) => expect(Math.abs(a - accuracies(message)[i])).toBeLessThanOrEqual(0.02));
    expect(outcome.checks?.find((c) => c.name === 'train')?.status).toBe('pass');
    // The page fetched the shipped data file (the grader worker cannot).
    expect(session.server.requests.slice(before).some((p) => /digits.*\.bin$/.test(p))).toBe(true);
  });

  it('wrong/zeros.ts fails with the message exercise.json expects', async () => {
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile(ID, 'wrong/zeros.ts')), backend: 'wasm' });
    console.log(`${ID} wrong/zeros.ts: ${outcome.status} in ${Math.round(outcome.elapsedMs)} ms: ${outcome.verdict?.message ?? outcome.error?.message}`);
    expect(outcome.status).toBe('failed');
    expect(outcome.verdict!.message).toContain(expectedFailure('wrong/zeros.ts'));
  });

  it('wrong/tiny.ts trains and fails with the message exercise.json expects', async () => {
    const { outcome } = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile(ID, 'wrong/tiny.ts')), backend: 'wasm' });
    console.log(`${ID} wrong/tiny.ts: ${outcome.status} in ${Math.round(outcome.elapsedMs)} ms: ${outcome.verdict?.message ?? outcome.error?.message}`);
    expect(outcome.status).toBe('failed');
    expect(outcome.verdict!.message).toContain(expectedFailure('wrong/tiny.ts'));
    expect(outcome.checks?.find((c) => c.name === 'train')?.status).toBe('fail');
  });

  it('a corrupt data file fails the run with the file named, and the learner is not blamed', async () => {
    const corrupt = fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/digits-corrupt.bin'));
    await session.page.route(/digits[^/]*\.bin$/, (route) => route.fulfill({ status: 200, body: corrupt, headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } }));
    try {
      const { outcome } = await runInPage(session.page, { exercise, compiledJs: compile(readExerciseFile(ID, 'solution.ts')), backend: 'wasm' });
      expect(outcome.status).toBe('error');
      expect(outcome.error?.message).toMatch(/^The grader failed: DatasetFileError: src\/data\/digits\.bin: is corrupt: its checksum is 0x[0-9a-f]{8} but the data hash to/);
    } finally {
      await session.page.unroute(/digits[^/]*\.bin$/);
    }
  });
});

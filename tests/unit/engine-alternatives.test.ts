/**
 * Fair grading: weights that are a listed valid alternative get "that is <name>, <reason>" whichever check
 * they trip; other wrong weights keep the plain verdict; orthogonal references check orthogonality.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { criteriaSchema } from '../../src/engine/exercise-schema';
import { grade } from '../../src/engine/grading';
import { runLab } from '../../src/engine/lab';
import { mlp } from '../../src/engine/networks';

beforeAll(async () => {
  await setupBackend();
});

const network = mlp({ depth: 8, width: 128, activation: 'relu' });
const criteria = criteriaSchema.parse({
  reference: 'he_normal', forward: {},
  weights: { stdTolerance: 0.05, alternatives: [{ initializer: { name: 'he_uniform' }, reason: 'also correct; this exercise asks for the normal one.' }] },
});

describe('valid alternatives', () => {
  it('names He uniform where He normal is asked, with the exercise’s reason', async () => {
    const result = await runLab({ network, initializer: { name: 'he_uniform' }, batch: 32, seed: 2 });
    const verdict = grade(criteria, result);
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toBe('layer 1 (dense1): that is He uniform: a = √(6/fan_in), also correct; this exercise asks for the normal one.');
  });

  it('keeps the plain verdict for weights that are no listed alternative (LeCun uniform: wrong std)', async () => {
    const result = await runLab({ network, initializer: { name: 'lecun_uniform' }, batch: 32, seed: 2 });
    const verdict = grade(criteria, result);
    expect(verdict.message).toMatch(/^layer 1 \(dense1\): your weights' std is .* below the target/);
  });

  it('the reference itself passes', async () => {
    expect(grade(criteria, await runLab({ network, initializer: { name: 'he_normal' }, batch: 32, seed: 2 })).passed).toBe(true);
  });

  it('an orthogonal reference rejects Gaussian weights of the right std as not orthogonal, and passes orthogonal ones', async () => {
    const orthogonal = criteriaSchema.parse({ reference: { name: 'orthogonal', gain: Math.SQRT2 }, forward: {}, weights: { stdTolerance: 0.02 } });
    const gaussian = grade(orthogonal, await runLab({ network, initializer: { name: 'he_normal' }, batch: 32, seed: 2 }));
    expect(gaussian.message).toMatch(/^layer 1 \(dense1\): your weights are not orthogonal: a random vector's length changes by/);
    const passed = grade(orthogonal, await runLab({ network, initializer: { name: 'orthogonal', gain: Math.SQRT2 }, batch: 32, seed: 2 }));
    expect(passed.passed).toBe(true);
  });
});

/**
 * The per-layer factor a failing drift quotes is lesson 1's c: W = c·I in a linear chain scales Var(y) by
 * exactly c² per layer, so the sentence must say c ≈ 1.1 for 1.1·I; and a stated target's advice gives the
 * std that reaches it (Var(y) ∝ Var(W) for fixed inputs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { criteriaSchema } from '../../src/engine/exercise-schema';
import { grade } from '../../src/engine/grading';
import { runLab } from '../../src/engine/lab';
import type { LearnerInitializer } from '../../src/engine/learner-api';
import { mlp } from '../../src/engine/networks';

beforeAll(async () => {
  await setupBackend();
});

const scaledIdentity = (c: number): LearnerInitializer => (layer) => {
  const [rows, cols] = layer.shape;
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) w[i * cols + i] = c;
  return w;
};

describe('drift explanations', () => {
  it('W = 1.1·I: the verdict says each layer scales the signal by c ≈ 1.1 (variance ×1.21)', async () => {
    const network = mlp({ depth: 40, width: 64, activation: 'linear' });
    const result = await runLab({ network, initializer: scaledIdentity(1.1), batch: 16, seed: 1 });
    const verdict = grade(criteriaSchema.parse({ reference: 'lecun_normal', forward: {}, symmetry: true }), result);
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toContain('Var(y) changed ×1.21 per layer on average from layer 1 to layer');
    expect(verdict.message).toContain('each layer scales the signal by c ≈ 1.1, and after l layers by c^l.');
  });

  it('a stated target: the advice is the std that gives it, std·√(target/measured)', async () => {
    const network = mlp({ depth: 2, width: 256, activation: 'linear', inputMean: 3, inputStd: 2 });
    const result = await runLab({ network, initializer: { name: 'lecun_normal' }, batch: 64, seed: 1 });
    const verdict = grade(criteriaSchema.parse({ forward: { target: 1, maxLog10Drift: 0.15 } }), result);
    // Var(y₁) = fan_in·(1/fan_in)·E[x²] = 3² + 2² = 13, so the std must shrink by √13: 0.0625/√13 = 0.0173.
    expect(verdict.message).toMatch(/^layer 1 \(dense1\): Var\(y\) = 1[23]\.\d, exploding: expected ≈ 1 \(within ×1\.41\)\. For fan_in 256 your std is 0\.06\d+; with the inputs this layer gets, Var\(y\) = 1 needs a std of ≈ 0\.017\d/);
  });
});

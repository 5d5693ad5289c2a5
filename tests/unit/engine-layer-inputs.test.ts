/**
 * layerInputs(): each layer's input batch equals an independent TF.js forward pass of the weights
 * returned so far (matMul, leakyRelu, residual add); an LSUV initializer built on it makes the lab measure
 * Var(y) ≈ 1 at every layer; conv layers get a clear refusal; initializers that ignore it are unaffected.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { createLayerInputs } from '../../src/engine/layer-inputs';
import { initializeWeights, runLab } from '../../src/engine/lab';
import type { LearnerInitializer } from '../../src/engine/learner-api';
import { alexnet, mlp, weightLayers } from '../../src/engine/networks';
import type { NetworkSpec } from '../../src/engine/types';

beforeAll(async () => {
  await setupBackend();
});

describe('createLayerInputs', () => {
  it('gives each layer the TF.js forward pass of the earlier layers (leaky a = 0.3, a residual layer)', () => {
    const network: NetworkSpec = {
      name: 'mixed', input: [12], inputMean: 0.5, inputStd: 2,
      layers: [
        { kind: 'dense', units: 10, activation: 'leaky_relu', negativeSlope: 0.3 },
        { kind: 'dense', units: 10, activation: 'tanh', residual: true },
        { kind: 'dense', units: 6, activation: 'relu' },
      ],
    };
    const seen: Float32Array[] = [];
    const init: LearnerInitializer = (layer, { random, layerInputs }) => {
      seen.push(layerInputs!());
      return random.normal(layer.shape, 0, 1 / Math.sqrt(layer.fanIn));
    };
    const weights = initializeWeights(network, init, 4);
    const batch = seen[0].length / 12;
    expect(batch).toBe(128);
    // The first batch is x ~ N(0.5, 2²): mean and std within 5 standard errors (1536 values).
    const x = Array.from(seen[0]);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean - 0.5)).toBeLessThan((5 * 2) / Math.sqrt(x.length));
    expect(Math.abs(std / 2 - 1)).toBeLessThan(5 / Math.sqrt(2 * x.length));
    const layers = weightLayers(network);
    let h: tf.Tensor = tf.tensor2d(seen[0], [batch, 12]);
    for (let l = 0; l < 2; l++) {
      const y = tf.matMul(h as tf.Tensor2D, tf.tensor2d(weights[l], layers[l].shape as [number, number]));
      const a = l === 0 ? tf.leakyRelu(y, 0.3) : tf.tanh(y);
      h = layers[l].residual ? tf.add(h, a) : a;
      const expected = h.dataSync();
      const got = seen[l + 1];
      expect(got.length).toBe(expected.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('an LSUV initializer on it makes the lab measure Var(y) within 10 % of 1 at every layer of a 20 × 256 ReLU net', async () => {
    const network = mlp({ depth: 20, width: 256, activation: 'relu' });
    const lsuv: LearnerInitializer = (layer, { random, layerInputs }) => {
      const w = random.orthogonal(layer.shape);
      const h = layerInputs!();
      const [fanIn, units] = layer.shape;
      const batch = h.length / fanIn;
      let sum = 0, squares = 0;
      for (let b = 0; b < batch; b++) {
        for (let u = 0; u < units; u++) {
          let y = 0;
          for (let i = 0; i < fanIn; i++) y += h[b * fanIn + i] * w[i * units + u];
          sum += y; squares += y * y;
        }
      }
      const count = batch * units;
      const variance = squares / count - (sum / count) ** 2;
      return w.map((v) => v / Math.sqrt(variance));
    };
    const result = await runLab({ network, initializer: lsuv, batch: 64, seed: 2 });
    // LSUV scales on its own batch of 128; the lab measures on another batch of 64: both estimate the same
    // Var(y) over 256 units, so they agree within a few percent.
    for (const layer of result.layers) expect(Math.abs(layer.forward.preVar - 1)).toBeLessThan(0.1);
  });

  it('says plainly that conv layers are not supported', () => {
    const [conv1] = weightLayers(alexnet());
    const inputs = createLayerInputs({ seed: 1 });
    expect(() => inputs.tool(conv1)()).toThrow('layerInputs() is not available for layer 1 (conv1): it is available for dense layers only, not for conv layers');
    const fc6 = weightLayers(alexnet())[5];
    inputs.record(conv1, new Float32Array(0));
    expect(() => inputs.inputsFor(fc6)).toThrow(/not available for layer 6 \(fc6\)/);
  });

  it('refuses a layer whose earlier layers were not recorded', () => {
    const layers = weightLayers(mlp({ depth: 3, width: 4, activation: 'relu' }));
    expect(() => createLayerInputs({ seed: 1 }).inputsFor(layers[2])).toThrow(/layers 1…2 were not recorded/);
  });
});

/**
 * runLab against the theory: He keeps a deep ReLU net in band, 1/n halves the variance per layer, std = 1
 * overflows (reported, not thrown), LeCun on tanh follows the mean-field curve, AlexNet with N(0, 0.01²)
 * vanishes. The explicit backward pass is checked against tf.grads, streaming order and tensor hygiene too.
 * Runs on the wasm backend (as the CLI does). Batches are smaller than the exercises' where the point of the
 * test allows (noted per test), to keep the suite within its time budget on 2 busy cores.
 */
import * as tf from '@tensorflow/tfjs-core';
// The reference gradients below use tf.grads, which needs tfjs-core's gradient functions (the engine does not).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/cli/backend';
import { alexnet, meanField, mlp, runLab, prepareWeights, weightLayers, type LayerStats, type NetworkSpec } from '../../src/engine/index';
import { drawWeightTensors, initializeWeights, labRandomStreams, summarizeWeights } from '../../src/engine/lab';
import { sampleInitializer, type InitializerRef } from '../../src/engine/initializers';
import { LEAKY_RELU_SLOPE } from '../../src/engine/networks';

beforeAll(async () => {
  await setupBackend();
});

const log2 = Math.log2;

describe('deep ReLU MLP, 50 × 512 (batch 32: the variance estimates average 16 384 values per layer)', () => {
  const net = mlp({ depth: 50, width: 512, activation: 'relu' });

  it('He: Var(y) stays ≈ 2 at every layer (within a factor 4), forward and backward', async () => {
    const result = await runLab({ network: net, initializer: { name: 'he_normal' }, batch: 32, backward: true, seed: 3 });
    expect(result.layers).toHaveLength(50);
    expect(result.overflowAt).toBeUndefined();
    for (const layer of result.layers) {
      // Var(y_1) = fan_in · 2/fan_in · E[x²] = 2; finite width lets log Var wander by ≈ √(5·l/512) nats.
      expect(Math.abs(log2(layer.forward.preVar / 2))).toBeLessThan(2);
      // Half of ReLU's inputs are negative: ≈ 50 % zeros.
      expect(Math.abs(layer.forward.zeroFraction - 0.5)).toBeLessThan(0.1);
      // ∂L/∂y_l = ∂L/∂h_l ⊙ step(y): variance ≈ ½ at every layer when fan_in = fan_out.
      expect(Math.abs(log2(layer.backward!.gradPreVar / 0.5))).toBeLessThan(2);
    }
  });

  it('1/n (LeCun) on ReLU decays ≈ 2^-(L-1)', async () => {
    const result = await runLab({ network: net, initializer: { name: 'lecun_normal' }, batch: 32, seed: 4 });
    const decay = log2(result.layers[49].forward.preVar / result.layers[0].forward.preVar);
    // −49 exactly in expectation; the finite-width walk adds ≈ ±1 (in log2) at 1σ.
    expect(decay).toBeGreaterThan(-49 - 4);
    expect(decay).toBeLessThan(-49 + 4);
    expect(result.layers[0].forward.preVar).toBeCloseTo(1, 0);
  });

  it('std = 1 explodes by ≈ ×256 a layer and is reported as an overflow at the layer it happens, not thrown', async () => {
    const before = tf.memory().numTensors;
    const result = await runLab({ network: net, initializer: { name: 'normal', std: 1 }, batch: 16, backward: true, seed: 5 });
    expect(result.overflowAt?.phase).toBe('forward');
    const at = result.overflowAt!.index;
    // Var(y_l) ≈ 512 · 256^(l−1): the values |y| ≈ √Var pass float32's 3.4e38 near l = 32.
    expect(at).toBeGreaterThan(28);
    expect(at).toBeLessThan(36);
    expect(result.layers).toHaveLength(at);
    expect(result.layers[at - 1].forward.overflow).toBe(true);
    expect(result.backward).toBe(false);
    const growth = log2(result.layers[9].forward.preVar / result.layers[8].forward.preVar);
    expect(Math.abs(growth - 8)).toBeLessThan(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tanh', () => {
  it('LeCun on a 30 × 256 tanh net follows the mean-field curve (decaying ≈ 1/l, not exponentially)', async () => {
    const net = mlp({ depth: 30, width: 256, activation: 'tanh' });
    const result = await runLab({ network: net, initializer: { name: 'lecun_normal' }, batch: 64, backward: true, seed: 6 });
    const theory = meanField(weightLayers(net).map((l) => ({ fanIn: l.fanIn, units: l.shape[1], activation: l.activation, weightVariance: 1 / l.fanIn })));
    result.layers.forEach((layer, i) => {
      expect(Math.abs(Math.log10(layer.forward.preVar / theory.preVar[i]))).toBeLessThan(0.15);
      expect(Math.abs(Math.log10(layer.backward!.gradPreVar / theory.gradPreVar[i]))).toBeLessThan(0.2);
    });
    // tanh(x)² ≈ x² − 2x⁴/3·… gives q_{l+1} ≈ q_l − 2q_l², so q_l ≈ 1/(2l): a slow polynomial decay, not 2^−l.
    for (const l of [10, 20, 30]) expect(result.layers[l - 1].forward.preVar * 2 * l).toBeGreaterThan(0.7);
    for (const l of [10, 20, 30]) expect(result.layers[l - 1].forward.preVar * 2 * l).toBeLessThan(1.6);
    expect(Math.max(...result.layers.map((l) => l.forward.saturatedFraction))).toBeLessThan(0.05);
  });

  it('std = 1 on tanh saturates almost every unit (|tanh| > 0.97 for |y| > 2.09; Var(y) ≈ 256)', async () => {
    const net = mlp({ depth: 4, width: 256, activation: 'tanh' });
    const result = await runLab({ network: net, initializer: { name: 'normal', std: 1 }, batch: 32, seed: 7 });
    for (const layer of result.layers) expect(layer.forward.saturatedFraction).toBeGreaterThan(0.85);
  });
});

describe('AlexNet', () => {
  it('N(0, 0.01²) vanishes by orders of magnitude (batch 1); memory stays bounded (He on AlexNet: engine-exercises.test.ts)', async () => {
    const net = alexnet();
    const before = tf.memory().numTensors;
    let peakBytes = 0;
    const original = await runLab({
      network: net, initializer: { name: 'alexnet_normal' }, batch: 1, seed: 8,
      onLayer: () => { peakBytes = Math.max(peakBytes, tf.memory().numBytes); },
    });
    // Bounded memory: weights are freed layer by layer in a forward-only run. All of them at once would be
    // 249 MB; fc6's 151 MB plus activations is the most ever held.
    expect(peakBytes).toBeLessThan(200e6);
    expect(tf.memory().numTensors).toBe(before);
    expect(original.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    const o = original.layers.map((l) => l.forward.preVar);
    // Each layer multiplies Var by fan_in · 1e-4 · E[a²]/Var(y) (½ for ReLU, more after a max-pool): < 1 everywhere.
    expect(o[7] / o[0]).toBeLessThan(1e-3);
    for (let i = 2; i < 8; i++) expect(o[i]).toBeLessThan(o[i - 1]);
  });
});

describe('the explicit backward pass equals autodiff', () => {
  async function compare(network: NetworkSpec, batch: number) {
    const seed = 11;
    const result = await runLab({ network, initializer: { name: 'glorot_uniform' }, batch, backward: true, seed, weightGradColumns: Infinity });
    // The reference runs tf.grads on the cpu backend, which has every gradient kernel (wasm lacks Conv2DBackpropFilter).
    await tf.setBackend('cpu');
    try {
      referenceGradients(network, batch, seed, result.layers);
    } finally {
      await tf.setBackend('wasm');
    }
  }

  function referenceGradients(network: NetworkSpec, batch: number, seed: number, layers: LayerStats[]) {
    const result = { layers };
    // Rebuild the same computation and differentiate it with tf.grads.
    const streams = labRandomStreams(seed);
    const infos = weightLayers(network);
    const weights = infos.map((l) => tf.tensor(sampleInitializer({ name: 'glorot_uniform' }, l.shape, streams.weights), l.shape));
    const x = tf.tensor(streams.data.fillNormal(new Float32Array(batch * network.input.reduce((a, b) => a * b, 1))), [batch, ...network.input]);
    // Zero offsets added to every pre-activation: ∂L/∂offset_l = ∂L/∂y_l, so autodiff gives both gradients.
    let offsets: tf.Tensor[] = [];
    const forward = (ws: tf.Tensor[], zs: tf.Tensor[] | null) => {
      let h: tf.Tensor = x;
      let w = 0;
      for (const spec of network.layers) {
        if (spec.kind === 'maxpool') h = tf.maxPool(h as tf.Tensor4D, spec.size, spec.stride, 'valid');
        else if (spec.kind === 'flatten') h = tf.reshape(h, [batch, -1]);
        else {
          const info = infos[w];
          let y = spec.kind === 'dense' ? tf.matMul(h as tf.Tensor2D, ws[w] as tf.Tensor2D) : tf.conv2d(h as tf.Tensor4D, ws[w] as tf.Tensor4D, spec.stride ?? 1, spec.padding ?? 'valid');
          if (zs) y = tf.add(y, zs[w]);
          else offsets.push(tf.zerosLike(y));
          w++;
          const a = info.activation === 'relu' ? tf.relu(y) : info.activation === 'tanh' ? tf.tanh(y) : info.activation === 'leaky_relu' ? tf.leakyRelu(y, LEAKY_RELU_SLOPE) : info.activation === 'sigmoid' ? tf.sigmoid(y) : y;
          h = info.residual ? tf.add(h, a) : a;
        }
      }
      return h;
    };
    const out = tf.tidy(() => { const o = forward(weights, null); offsets = offsets.map((t) => tf.keep(t)); return o; });
    const projection = tf.tensor(streams.loss.fillNormal(new Float32Array(out.size)), out.shape);
    const n = weights.length;
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(forward(args.slice(0, n), args.slice(n)), projection)))([...weights, ...offsets]);
    const variance = (t: tf.Tensor) => tf.tidy(() => tf.moments(t).variance.dataSync()[0]);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(result.layers[i].backward!.weightGradVar / variance(grads[i]) - 1)).toBeLessThan(1e-3);
      expect(Math.abs(result.layers[i].backward!.gradPreVar / variance(grads[n + i]) - 1)).toBeLessThan(1e-3);
    }
    tf.dispose([...weights, ...offsets, x, out, projection, ...grads]);
  }

  it('on a dense net with tanh, leaky ReLU, sigmoid and residual layers', async () => {
    const network: NetworkSpec = {
      name: 'mixed', input: [24],
      layers: [
        { kind: 'dense', units: 24, activation: 'tanh', residual: true },
        { kind: 'dense', units: 16, activation: 'leaky_relu' },
        { kind: 'dense', units: 16, activation: 'sigmoid', residual: true },
        { kind: 'dense', units: 8, activation: 'relu' },
      ],
    };
    await compare(network, 16);
  });

  it('weights prepared as tensors take the same path: the same statistics as when drawn in the run', async () => {
    const network: NetworkSpec = {
      name: 'prepared', input: [12],
      layers: [{ kind: 'dense', units: 10, activation: 'tanh', residual: false }, { kind: 'dense', units: 10, activation: 'relu', residual: true }],
    };
    const seed = 13;
    const drawn = await runLab({ network, initializer: { name: 'glorot_uniform' }, batch: 8, backward: true, seed, weightGradColumns: Infinity });
    const prepared = prepareWeights(network, { name: 'glorot_uniform' }, seed);
    try {
      const fromTensors = await runLab({ network, weights: prepared, batch: 8, backward: true, seed, weightGradColumns: Infinity });
      fromTensors.layers.forEach((layer, i) => {
        expect(layer.forward.preVar).toBeCloseTo(drawn.layers[i].forward.preVar, 6);
        expect(layer.backward!.gradPreVar).toBeCloseTo(drawn.layers[i].backward!.gradPreVar, 6);
        expect(layer.backward!.weightGradVar).toBeCloseTo(drawn.layers[i].backward!.weightGradVar, 6);
      });
    } finally {
      prepared.dispose();
    }
  });

  it('on a small conv net with pooling and flatten', async () => {
    const network: NetworkSpec = {
      name: 'small conv', input: [12, 12, 3],
      layers: [
        { kind: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
        { kind: 'maxpool', size: 2, stride: 2 },
        { kind: 'conv2d', filters: 6, kernel: 3, stride: 2, padding: 1, activation: 'tanh' },
        { kind: 'flatten' },
        { kind: 'dense', units: 5, activation: 'linear' },
      ],
    };
    await compare(network, 4);
  });
});

describe('estimating ∂L/∂W on a subset of columns', () => {
  it('agrees with the full measurement within a few percent (64 of 512 columns)', async () => {
    const net = mlp({ depth: 6, width: 512, activation: 'relu' });
    const full = await runLab({ network: net, initializer: { name: 'he_normal' }, batch: 32, backward: true, seed: 12, weightGradColumns: Infinity });
    const sampled = await runLab({ network: net, initializer: { name: 'he_normal' }, batch: 32, backward: true, seed: 12 });
    full.layers.forEach((layer, i) => {
      expect(sampled.layers[i].backward!.weightGradColumns).toBe(64);
      expect(layer.backward!.weightGradColumns).toBe(512);
      expect(Math.abs(Math.log(sampled.layers[i].backward!.weightGradVar / layer.backward!.weightGradVar))).toBeLessThan(0.25);
      expect(sampled.layers[i].backward!.gradPreVar).toBe(layer.backward!.gradPreVar);
    });
  });
});

describe('streaming and hygiene', () => {
  it('calls onLayer forward 1..L, then backward L..1, as each layer is ready', async () => {
    const events: string[] = [];
    const result = await runLab({
      network: mlp({ depth: 4, width: 16, activation: 'relu' }), initializer: { name: 'he_normal' }, batch: 8, backward: true,
      onLayer: (stats, phase) => events.push(`${phase[0]}${stats.index}${phase === 'backward' ? (stats.backward ? '+' : '?') : ''}`),
    });
    expect(events).toEqual(['f1', 'f2', 'f3', 'f4', 'b4+', 'b3+', 'b2+', 'b1+']);
    expect(result.backward).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result); // plain data: crosses postMessage unchanged
  });

  it('leaves no tensors behind, forward and backward, dense and conv', async () => {
    const before = tf.memory().numTensors;
    await runLab({ network: mlp({ depth: 5, width: 32, activation: 'tanh', residual: true }), initializer: { name: 'lecun_normal' }, batch: 8, backward: true });
    await runLab({
      network: { name: 'c', input: [8, 8, 2], layers: [{ kind: 'conv2d', filters: 4, kernel: 3, activation: 'relu', padding: 'same' }, { kind: 'maxpool', size: 2, stride: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 3, activation: 'linear' }] },
      initializer: { name: 'he_uniform' }, batch: 2, backward: true,
    });
    const small: NetworkSpec = { name: 'p', input: [6, 6, 1], layers: [{ kind: 'conv2d', filters: 2, kernel: 3, activation: 'relu' }, { kind: 'flatten' }, { kind: 'dense', units: 2, activation: 'tanh' }] };
    const prepared = prepareWeights(small, { name: 'he_normal' });
    await runLab({ network: small, weights: prepared, batch: 2, backward: true });
    await runLab({ network: small, weights: prepared, batch: 3 });
    expect(prepared.tensors.every((t) => !t.isDisposed)).toBe(true);
    prepared.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('weights drawn straight into tensors (drawWeightTensors, prepareWeights)', () => {
  // Small layers first, then a 2048 × 2048 one (16 MB) that makes the WASM heap grow after earlier tensors were
  // drawn into it: each layer must still hold exactly the values initializeWeights draws from the same stream.
  const network: NetworkSpec = {
    name: 'drawn', input: [9, 9, 3],
    layers: [
      { kind: 'conv2d', filters: 5, kernel: 3, activation: 'relu' }, { kind: 'flatten' },
      { kind: 'dense', units: 2048, activation: 'relu' }, { kind: 'dense', units: 2048, activation: 'relu' },
      { kind: 'dense', units: 7, activation: 'linear' },
    ],
  };
  const initializers: InitializerRef[] = [
    { name: 'he_normal' }, { name: 'glorot_uniform' }, { name: 'truncated_normal', std: 0.1 }, { name: 'constant', value: 0.25 },
  ];

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`hold the values initializeWeights draws, and prepareWeights summarizes them (${backend} backend)`, async () => {
      const previous = tf.getBackend();
      await tf.setBackend(backend);
      try {
        for (const initializer of initializers) {
          const expected = initializeWeights(network, initializer, 4);
          const prepared = prepareWeights(network, initializer, 4);
          try {
            expect(prepared.tensors.map((t) => t.shape)).toEqual(weightLayers(network).map((l) => [...l.shape]));
            for (let i = 0; i < expected.length; i++) {
              const actual = prepared.tensors[i].dataSync() as Float32Array;
              expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected[i].buffer)), `${initializer.name} layer ${i + 1}`).toBe(true);
              expect(prepared.summaries[i]).toEqual(summarizeWeights(expected[i], weightLayers(network)[i].shape));
            }
          } finally {
            prepared.dispose();
          }
        }
      } finally {
        await tf.setBackend(previous);
      }
    });
  }

  it('runLab with a reference initializer (drawn into the tensors) measures exactly what it measures on the same weights given as arrays', async () => {
    const dense = mlp({ depth: 4, width: 96, activation: 'tanh' });
    for (const [net, backward] of [[dense, true], [dense, false], [network, true]] as const) {
      const drawn = await runLab({ network: net, initializer: { name: 'lecun_normal' }, batch: 6, backward, seed: 8 });
      const given = await runLab({ network: net, weights: initializeWeights(net, { name: 'lecun_normal' }, 8), batch: 6, backward, seed: 8 });
      expect(drawn.layers).toEqual(given.layers);
    }
  });

  it('drawWeightTensors without a look at the values (as the benchmark calls it) holds the same values', () => {
    const expected = initializeWeights(network, { name: 'he_normal' }, 6);
    const tensors = drawWeightTensors(network, { name: 'he_normal' }, 6);
    try {
      tensors.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(expected[i])));
    } finally {
      tensors.forEach((t) => t.dispose());
    }
  });

  it('disposes what it drew when a layer fails', () => {
    const before = tf.memory().numTensors;
    expect(() => drawWeightTensors(network, { name: 'he_normal' }, 1, (_values, layer) => {
      if (layer.index === 3) throw new Error('inspect failed');
    })).toThrow('inspect failed');
    expect(tf.memory().numTensors).toBe(before);
  });
});

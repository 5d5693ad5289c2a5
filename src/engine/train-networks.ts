/**
 * Networks for training: the lab's specs with biases and a classifier head. The last layer is dense with
 * one unit per class and activation 'linear': its pre-activations are the logits fed to softmax.
 */
import type { Activation, NetworkSpec } from './types';

export interface ClassifierMlpOptions {
  /** Weight layers in all, the head included. */
  depth: number;
  width: number;
  activation: Activation;
  inputSize: number;
  classes: number;
  /** h_l = h_{l−1} + φ(y_l) on the hidden layers of equal width (all but the first and the head). */
  residual?: boolean;
}

export function classifierMlp({ depth, width, activation, inputSize, classes, residual = false }: ClassifierMlpOptions): NetworkSpec {
  if (!Number.isInteger(depth) || depth < 2) throw new Error(`classifierMlp: depth must be an integer ≥ 2 (hidden layers and the head), got ${depth}`);
  const hidden = Array.from({ length: depth - 1 }, (_, i) => ({
    kind: 'dense' as const, name: `dense${i + 1}`, units: width, activation, bias: true, residual: residual && i > 0,
  }));
  return {
    name: `mlp ${depth - 1}×${width} ${activation}${residual ? ' residual' : ''} + ${classes}-way head`,
    input: [inputSize],
    layers: [...hidden, { kind: 'dense', name: `dense${depth}`, units: classes, activation: 'linear', bias: true }],
  };
}

/** A small conv net for 8×8 digits: conv 16@3×3, conv 16@3×3, max-pool 2, conv 32@3×3, flatten, dense head. */
export function digitsConvNet(activation: Activation = 'relu', classes = 10): NetworkSpec {
  return {
    name: `conv net (8×8 digits) ${activation}`,
    input: [8, 8, 1],
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 16, kernel: 3, padding: 'same', activation, bias: true },
      { kind: 'conv2d', name: 'conv2', filters: 16, kernel: 3, padding: 'same', activation, bias: true },
      { kind: 'maxpool', name: 'pool', size: 2, stride: 2 },
      { kind: 'conv2d', name: 'conv3', filters: 32, kernel: 3, padding: 'same', activation, bias: true },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'head', units: classes, activation: 'linear', bias: true },
    ],
  };
}

/**
 * Network presets and shape bookkeeping. Pure math, no TF.js: lesson widgets import this (e.g. for the
 * AlexNet table) without pulling in a tensor library.
 *
 * A network is data (NetworkSpec): an input shape per example and a list of layers. `mlp` and `alexnet`
 * build such specs; `describeLayers` walks a spec and computes every layer's output shape, weight shape
 * and fans exactly as TF.js/Keras do; `weightLayers` keeps the weight layers as the LayerInfo a learner's
 * initializer receives.
 */
import type { Activation, LayerInfo, LayerSpec, NetworkSpec } from './types';
import { computeFans } from './variance-scaling';

export { ACTIVATIONS } from './activations';

/** Slope of leaky ReLU for negative inputs: PyTorch's default 0.01, matching recommendedGain('leaky_relu') (TF.js' own default is 0.2, so the engine passes it explicitly). */
export const LEAKY_RELU_SLOPE = 0.01;

export interface MlpOptions {
  /** Number of weight (dense) layers. Ignored when `widths` is given (depth = widths.length). */
  depth?: number;
  /** Width of every layer (with `depth`). */
  width?: number;
  /** Width of each layer, first to last. */
  widths?: number[];
  activation: Activation;
  /** leaky_relu only: the slope for negative inputs of every layer. Default LEAKY_RELU_SLOPE (0.01). */
  negativeSlope?: number;
  /** Add a (zero-initialized) bias to every layer. Default false. */
  bias?: boolean;
  /** Residual connections h_l = h_{l-1} + φ(y_l) wherever a layer's input and output widths match. Default false. */
  residual?: boolean;
  /** Size of one input example. Default: the first layer's width. */
  inputSize?: number;
  /** The inputs are x ~ N(inputMean, inputStd²). Default 0 and 1. */
  inputMean?: number;
  inputStd?: number;
  name?: string;
}

/** A fully-connected network; every layer uses the same activation (also the last, so all layers are alike). */
export function mlp(options: MlpOptions): NetworkSpec {
  const widths = options.widths ?? repeatWidth(options);
  if (widths.length === 0) throw new Error('mlp: needs at least one layer (depth ≥ 1 or a non-empty widths list)');
  for (const w of widths) {
    if (!Number.isInteger(w) || w < 1) throw new Error(`mlp: every width must be a positive integer, got ${w}`);
  }
  const inputSize = options.inputSize ?? widths[0];
  const bias = options.bias ?? false;
  const residual = options.residual ?? false;
  let previous = inputSize;
  const layers: LayerSpec[] = widths.map((units, i) => {
    const layer: LayerSpec = {
      kind: 'dense',
      units,
      activation: options.activation,
      ...(options.negativeSlope !== undefined && { negativeSlope: options.negativeSlope }),
      bias,
      residual: residual && units === previous,
      name: `dense${i + 1}`,
    };
    previous = units;
    return layer;
  });
  const name =
    options.name ??
    `mlp ${widths.length}×${new Set(widths).size === 1 ? widths[0] : widths.join('-')} ${options.activation}${options.negativeSlope !== undefined ? ` (a = ${options.negativeSlope})` : ''}${residual ? ' residual' : ''}`;
  return {
    name, input: [inputSize], layers,
    ...(options.inputMean !== undefined && { inputMean: options.inputMean }),
    ...(options.inputStd !== undefined && { inputStd: options.inputStd }),
  };
}

function repeatWidth({ depth, width }: MlpOptions): number[] {
  if (depth === undefined || width === undefined) throw new Error('mlp: give either widths, or depth and width');
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`mlp: depth must be a positive integer, got ${depth}`);
  return Array.from({ length: depth }, () => width);
}

export interface AlexNetOptions {
  /**
   * 227 is the size the original layer shapes actually imply (conv1 without padding → 55×55).
   * 224 is the size the paper states; like torchvision we pad conv1 by 2 pixels so it also gives 55×55.
   */
  inputSize?: 224 | 227;
  /** Number of classes of the last layer. Default 1000. */
  classes?: number;
}

/**
 * AlexNet (Krizhevsky et al. 2012) with the original shapes, as one tower (the paper split it over two GPUs):
 * conv 96@11×11/4, max-pool 3/2, conv 256@5×5, max-pool 3/2, conv 384@3×3, conv 384@3×3, conv 256@3×3,
 * max-pool 3/2, fc 4096, fc 4096, fc 1000. ReLU everywhere except the last layer (logits, linear).
 * Local response normalization and dropout are left out: they do not exist at initialization time
 * (dropout) or are not part of the variance story taught here (LRN).
 */
export function alexnet(options: AlexNetOptions = {}): NetworkSpec {
  const inputSize = options.inputSize ?? 227;
  if (inputSize !== 224 && inputSize !== 227) throw new Error(`alexnet: inputSize must be 224 or 227, got ${inputSize}`);
  const classes = options.classes ?? 1000;
  return {
    name: `AlexNet (${inputSize}×${inputSize})`,
    input: [inputSize, inputSize, 3],
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 96, kernel: 11, stride: 4, padding: inputSize === 224 ? 2 : 'valid', activation: 'relu', bias: true },
      { kind: 'maxpool', name: 'pool1', size: 3, stride: 2 },
      { kind: 'conv2d', name: 'conv2', filters: 256, kernel: 5, stride: 1, padding: 'same', activation: 'relu', bias: true },
      { kind: 'maxpool', name: 'pool2', size: 3, stride: 2 },
      { kind: 'conv2d', name: 'conv3', filters: 384, kernel: 3, stride: 1, padding: 'same', activation: 'relu', bias: true },
      { kind: 'conv2d', name: 'conv4', filters: 384, kernel: 3, stride: 1, padding: 'same', activation: 'relu', bias: true },
      { kind: 'conv2d', name: 'conv5', filters: 256, kernel: 3, stride: 1, padding: 'same', activation: 'relu', bias: true },
      { kind: 'maxpool', name: 'pool5', size: 3, stride: 2 },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'fc6', units: 4096, activation: 'relu', bias: true },
      { kind: 'dense', name: 'fc7', units: 4096, activation: 'relu', bias: true },
      { kind: 'dense', name: 'fc8', units: classes, activation: 'linear', bias: true },
    ],
  };
}

/** One row of a network table: every layer, weight layers or not. */
export interface LayerRow {
  /** Position in spec.layers (0-based). */
  position: number;
  name: string;
  kind: LayerSpec['kind'];
  /** Per-example shapes (no batch axis). */
  inputShape: number[];
  outputShape: number[];
  /** Weight layers only (dense, conv2d). */
  weightShape?: number[];
  fanIn?: number;
  fanOut?: number;
  /** Number of weights plus biases. 0 for pooling and flatten. */
  params: number;
  activation?: Activation;
  kernel?: number;
  stride?: number;
  padding?: 'same' | 'valid' | number;
}

/** Walks a spec and computes each layer's shapes and fans; throws a message naming the layer on a shape that cannot work. */
export function describeLayers(spec: NetworkSpec): LayerRow[] {
  let shape = [...spec.input];
  return spec.layers.map((layer, position) => {
    const name = layer.name ?? `${layer.kind}${position + 1}`;
    const inputShape = shape;
    const where = `${spec.name}, layer ${position + 1} (${name})`;
    let row: LayerRow;
    if ((layer.kind === 'dense' || layer.kind === 'conv2d') && layer.negativeSlope !== undefined) {
      if (layer.activation !== 'leaky_relu') throw new Error(`${where}: negativeSlope is only for leaky_relu, but the activation is ${layer.activation}`);
      if (!(layer.negativeSlope >= 0 && layer.negativeSlope <= 1)) throw new Error(`${where}: negativeSlope must be between 0 and 1, got ${layer.negativeSlope}`);
    }
    if (layer.kind === 'dense') {
      if (inputShape.length !== 1) throw new Error(`${where}: dense needs a flat input, got shape [${inputShape}] (add a flatten layer)`);
      const weightShape = [inputShape[0], layer.units];
      const fans = computeFans(weightShape);
      if (layer.residual && inputShape[0] !== layer.units) {
        throw new Error(`${where}: a residual dense layer needs input width = units, got ${inputShape[0]} → ${layer.units}`);
      }
      row = {
        position, name, kind: 'dense', inputShape, outputShape: [layer.units], weightShape, ...fans,
        params: weightShape[0] * weightShape[1] + (layer.bias ? layer.units : 0), activation: layer.activation,
      };
    } else if (layer.kind === 'conv2d') {
      if (inputShape.length !== 3) throw new Error(`${where}: conv2d needs an [h, w, c] input, got [${inputShape}]`);
      const [h, w, c] = inputShape;
      const stride = layer.stride ?? 1;
      const padding = layer.padding ?? 'valid';
      const weightShape = [layer.kernel, layer.kernel, c, layer.filters];
      const outputShape = [
        convOutputSize(h, layer.kernel, stride, padding), convOutputSize(w, layer.kernel, stride, padding), layer.filters,
      ];
      if (outputShape[0] < 1 || outputShape[1] < 1) throw new Error(`${where}: a ${layer.kernel}×${layer.kernel} kernel does not fit a ${h}×${w} input`);
      row = {
        position, name, kind: 'conv2d', inputShape, outputShape, weightShape, ...computeFans(weightShape),
        params: weightShape.reduce((a, b) => a * b, 1) + (layer.bias ? layer.filters : 0),
        activation: layer.activation, kernel: layer.kernel, stride, padding,
      };
    } else if (layer.kind === 'maxpool') {
      if (inputShape.length !== 3) throw new Error(`${where}: maxpool needs an [h, w, c] input, got [${inputShape}]`);
      const [h, w, c] = inputShape;
      const outputShape = [convOutputSize(h, layer.size, layer.stride, 'valid'), convOutputSize(w, layer.size, layer.stride, 'valid'), c];
      if (outputShape[0] < 1 || outputShape[1] < 1) throw new Error(`${where}: a ${layer.size}×${layer.size} pool does not fit a ${h}×${w} input`);
      row = { position, name, kind: 'maxpool', inputShape, outputShape, params: 0, kernel: layer.size, stride: layer.stride, padding: 'valid' };
    } else {
      row = { position, name, kind: 'flatten', inputShape, outputShape: [inputShape.reduce((a, b) => a * b, 1)], params: 0 };
    }
    shape = row.outputShape;
    return row;
  });
}

/** The weight layers of a network as the LayerInfo a learner's initializer receives (index 1-based). */
export function weightLayers(spec: NetworkSpec): LayerInfo[] {
  const rows = describeLayers(spec).filter((row) => row.weightShape);
  return rows.map((row, i) => {
    const layer = spec.layers[row.position];
    const isDense = layer.kind === 'dense';
    return {
      index: i + 1,
      name: row.name,
      kind: row.kind as LayerInfo['kind'],
      shape: row.weightShape!,
      fanIn: row.fanIn!,
      fanOut: row.fanOut!,
      activation: row.activation!,
      ...(row.activation === 'leaky_relu' && { negativeSlope: negativeSlopeOf(layer as { negativeSlope?: number }) }),
      depth: rows.length,
      inputShape: row.inputShape,
      outputShape: row.outputShape,
      bias: (layer.kind === 'dense' || layer.kind === 'conv2d') && (layer.bias ?? false),
      residual: isDense && (layer.residual ?? false),
    };
  });
}

/** The slope for negative inputs of a leaky_relu layer: its own, or the default LEAKY_RELU_SLOPE. */
export function negativeSlopeOf(layer: { negativeSlope?: number }): number {
  return layer.negativeSlope ?? LEAKY_RELU_SLOPE;
}

/** Output size along one spatial axis, as TF.js computes it. */
export function convOutputSize(input: number, kernel: number, stride: number, padding: 'same' | 'valid' | number): number {
  if (padding === 'same') return Math.ceil(input / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((input + 2 * pad - kernel) / stride) + 1;
}

/** Total number of weights (without biases). */
export function countWeights(spec: NetworkSpec): number {
  return weightLayers(spec).reduce((sum, l) => sum + l.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * The engine's shared vocabulary. Pure types: no TF.js, no DOM, no Node built-ins.
 * Everything that crosses a room boundary (engine ↔ runner ↔ ui, engine ↔ CLI) is one of these
 * and is plain, structured-cloneable data.
 */

export type Activation = 'linear' | 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid';
export type WeightLayerKind = 'dense' | 'conv2d';

export type LayerSpec =
  | { kind: 'dense'; units: number; activation: Activation; bias?: boolean; residual?: boolean; name?: string }
  | {
      kind: 'conv2d';
      filters: number;
      kernel: number;
      stride?: number;
      padding?: 'same' | 'valid';
      activation: Activation;
      bias?: boolean;
      name?: string;
    }
  | { kind: 'maxpool'; size: number; stride: number; name?: string }
  | { kind: 'flatten'; name?: string };

/** A network is data: an input shape per example (without batch) and a list of layers. */
export interface NetworkSpec {
  name: string;
  input: number[];
  layers: LayerSpec[];
}

/**
 * What a learner's initializer receives for each weight layer.
 * index is 1-based over weight layers only (dense and conv2d), so "layer 37" means the 37th weight layer.
 */
export interface LayerInfo {
  index: number;
  name: string;
  kind: WeightLayerKind;
  /** Weight shape as TF.js stores it: dense [fanIn, units]; conv2d [kh, kw, cIn, cOut]. */
  shape: number[];
  fanIn: number;
  fanOut: number;
  activation: Activation;
  /** Total number of weight layers in the network. */
  depth: number;
}

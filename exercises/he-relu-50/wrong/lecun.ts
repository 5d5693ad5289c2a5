// LeCun: right for tanh, but ReLU throws away half the signal at every layer: 2^-49 after 50 layers.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

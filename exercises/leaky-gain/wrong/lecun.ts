// Gain 1: right for a = 1 (a linear layer), far too small for a = 0.3.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

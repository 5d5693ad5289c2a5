// The right formula with PyTorch's default slope 0.01 instead of this network's 0.3.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const gain = Math.sqrt(2 / (1 + 0.01 * 0.01));
  return random.normal(layer.shape, 0, gain / Math.sqrt(layer.fanIn));
}

// E[φ(y)²] = Var(y)·(1 + a²)/2 for leaky ReLU, so the gain is √(2 / (1 + a²)) (PyTorch's calculate_gain).
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const a = layer.negativeSlope ?? 0;
  const gain = Math.sqrt(2 / (1 + a * a));
  return random.normal(layer.shape, 0, gain / Math.sqrt(layer.fanIn));
}

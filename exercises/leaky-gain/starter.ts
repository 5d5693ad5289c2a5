// Called once per weight layer. Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const a = layer.negativeSlope ?? 0; // 0.3 in this exercise
  // TODO: He's gain is right for a = 0. What is E[φ(y)²] when the negative half is kept with slope a?
  const gain = Math.SQRT2;
  return random.normal(layer.shape, 0, gain / Math.sqrt(layer.fanIn));
}

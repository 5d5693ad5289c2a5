// Var[x_{l+1}] = Var[x_l]·(1 + α²) with α² = fan_in · Var(W) for this linear branch: α² = 1/L gives
// (1 + 1/L)^L < e over the L blocks.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const alphaSquared = 1 / layer.depth;
  return random.normal(layer.shape, 0, Math.sqrt(alphaSquared / layer.fanIn));
}

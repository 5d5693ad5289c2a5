// LeCun normal: Var(W) = 1 / fan_in keeps Var(y) ≈ E[a²] from layer to layer.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

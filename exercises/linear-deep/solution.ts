// LeCun: a sum of fan_in products w·x has variance fan_in · Var(W) · Var(x), so Var(W) = 1 / fan_in keeps it.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

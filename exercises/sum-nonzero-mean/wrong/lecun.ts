// LeCun everywhere: layer 1 gets Var(y) = E[x²] = 13, not 1.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

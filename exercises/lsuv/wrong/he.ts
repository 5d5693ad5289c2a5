// He everywhere: right for the ReLU layers only.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

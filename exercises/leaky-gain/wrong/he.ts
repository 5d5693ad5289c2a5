// He's √2 ignores the negative half: (1 + 0.09) = 1.09 times too much variance per layer.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

// std 1 with fan_in 64: the variance grows ×32 per layer, the logits are enormous and SGD blows up.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, 1);
}

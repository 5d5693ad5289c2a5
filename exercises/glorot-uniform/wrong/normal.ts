// Right variance, wrong distribution: a normal has no limit.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / (layer.fanIn + layer.fanOut)));
}

// He normal: a fine initialization, but its matrices are not orthogonal.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

// He uniform: as stable as He normal for ReLU, and just as far from orthogonal.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const limit = Math.sqrt(6 / layer.fanIn);
  return random.uniform(layer.shape, -limit, limit);
}

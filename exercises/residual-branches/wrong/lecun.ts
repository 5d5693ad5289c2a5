// A variance-preserving branch: α² = 1, so every block doubles the variance.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

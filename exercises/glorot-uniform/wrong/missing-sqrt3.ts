// Uses the std as the limit: U(−σ, σ) has std σ/√3.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const limit = Math.sqrt(2 / (layer.fanIn + layer.fanOut));
  return random.uniform(layer.shape, -limit, limit);
}

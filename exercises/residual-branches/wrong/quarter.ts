// α = 1/2, so α² = 0.25: (1.25)^64 ≈ 1.6·10^6, the lesson's check-yourself.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, 0.5 / Math.sqrt(layer.fanIn));
}

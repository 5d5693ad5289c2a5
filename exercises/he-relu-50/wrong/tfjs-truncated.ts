// A truncated normal with stddev √(2/fan_in), without correcting for the truncation:
// the actual std is 0.88× too small, and 0.88² per layer compounds over 50 layers.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.truncatedNormal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

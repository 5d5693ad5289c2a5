// LeCun uniform: only fan_in. Close on the first layer, off as soon as fan_in ≠ fan_out.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const limit = Math.sqrt(3 / layer.fanIn);
  return random.uniform(layer.shape, -limit, limit);
}

// LeCun uniform: only fan_in. 9 % too small on the first layer (784 → 512), off wherever fan_in ≠ fan_out.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const limit = Math.sqrt(3 / layer.fanIn);
  return random.uniform(layer.shape, -limit, limit);
}

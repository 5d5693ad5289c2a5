// The dense formula applied to a conv kernel: shape[0] is the kernel height, not fan_in.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.shape[0]));
}

// He (Kaiming) normal: ReLU halves the second moment, so Var(W) = 2 / fan_in.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const std = Math.sqrt(2 / layer.fanIn);
  return random.normal(layer.shape, 0, std);
}

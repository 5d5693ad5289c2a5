// std 1: each layer multiplies the variance by fan_in = 256.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, 1);
}

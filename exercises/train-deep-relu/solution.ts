// He (Kaiming) normal: each ReLU halves the second moment, so Var(W) = 2 / fan_in keeps the signal (and the
// gradient) the same size at every layer, and SGD moves every layer from the first step on.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

// He is for ReLU; tanh keeps (almost) all of the signal, so twice the variance overshoots.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

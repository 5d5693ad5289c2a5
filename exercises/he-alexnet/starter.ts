// AlexNet's original initialization: N(0, 0.01²) for every layer.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: use He instead. What is fan_in for a conv kernel of shape [kh, kw, cIn, cOut]?
  return random.normal(layer.shape, 0, 0.01);
}

// Called once per weight layer. Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: an orthogonal matrix times the ReLU gain. This is neither orthogonal nor the right size.
  return random.normal(layer.shape, 0, 1);
}

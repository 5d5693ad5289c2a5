// Orthogonal without the ReLU gain: ReLU halves the variance at every layer.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.orthogonal(layer.shape);
}

// Orthogonal × √2: the orthogonal matrix keeps ‖x‖, and √2 makes up for the half that ReLU zeroes.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.orthogonal(layer.shape, Math.SQRT2);
}

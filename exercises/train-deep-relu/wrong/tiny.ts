// N(0, 0.01²): each layer multiplies the signal by 0.01·√(64/2) ≈ 0.057, so the output (and every gradient) is ~1e-14.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, 0.01);
}

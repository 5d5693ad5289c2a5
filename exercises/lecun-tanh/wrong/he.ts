// He is for ReLU, which discards half of the second moment; tanh does not, so twice the variance overshoots the
// LeCun curve: Var(y) settles at the fixed point q* = 2·E[tanh(√q* z)²] ≈ 0.618 instead of decaying towards 0.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}

// Glorot uniform: Var(W) = 2 / (fan_in + fan_out) and Var(U(−a, a)) = a² / 3.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const limit = Math.sqrt(6 / (layer.fanIn + layer.fanOut));
  return random.uniform(layer.shape, -limit, limit);
}

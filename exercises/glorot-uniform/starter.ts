// Called once per weight layer. Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: TF.js' default uniform limit is 0.05. What should the limit be?
  const limit = 0.05;
  return random.uniform(layer.shape, -limit, limit);
}

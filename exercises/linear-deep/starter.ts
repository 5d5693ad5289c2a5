// Called once per weight layer. Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: 0.1 looks small, but what does a sum of 256 products do with it?
  const std = 0.1;
  return random.normal(layer.shape, 0, std);
}

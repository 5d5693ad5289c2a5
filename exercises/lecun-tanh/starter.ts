// Called once per weight layer. Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: a std of 1 makes every unit saturate. What should it depend on?
  return random.normal(layer.shape, 0, 1);
}

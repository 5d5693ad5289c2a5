// Called once per weight layer, layer 1 first.
export default function init(layer: LayerInfo, { random, layerInputs }: InitTools): Weights {
  const w = random.orthogonal(layer.shape);
  const h = layerInputs!(); // this layer's input batch, [batch, fanIn] row-major
  // TODO: measure Var(y) for y = h·w on this batch, and rescale w so that it becomes 1.
  return w;
}

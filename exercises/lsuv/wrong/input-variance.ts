// Rescales by the variance of the inputs (LeCun with a measured Var(h)), not of the outputs: right only
// where the inputs have mean zero, and sigmoid's outputs do not.
export default function init(layer: LayerInfo, { random, layerInputs }: InitTools): Weights {
  const h = layerInputs!();
  let sum = 0;
  let squares = 0;
  for (const x of h) {
    sum += x;
    squares += x * x;
  }
  const variance = squares / h.length - (sum / h.length) ** 2;
  return random.normal(layer.shape, 0, 1 / Math.sqrt(layer.fanIn * variance));
}

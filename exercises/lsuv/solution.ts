// LSUV: orthogonal weights, then rescaled so that Var(y) = 1 on the layer's actual inputs.
export default function init(layer: LayerInfo, { random, layerInputs }: InitTools): Weights {
  const w = random.orthogonal(layer.shape);
  const h = layerInputs!();
  const [fanIn, units] = layer.shape;
  const batch = h.length / fanIn;
  let sum = 0;
  let squares = 0;
  const y = new Float64Array(units);
  for (let b = 0; b < batch; b++) {
    y.fill(0);
    for (let i = 0; i < fanIn; i++) {
      const x = h[b * fanIn + i];
      for (let u = 0; u < units; u++) y[u] += x * w[i * units + u];
    }
    for (let u = 0; u < units; u++) {
      sum += y[u];
      squares += y[u] * y[u];
    }
  }
  const count = batch * units;
  const variance = squares / count - (sum / count) ** 2;
  const scale = 1 / Math.sqrt(variance);
  return w.map((v) => v * scale);
}

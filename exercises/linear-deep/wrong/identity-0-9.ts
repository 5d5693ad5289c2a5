// W = 0.9 · I: each layer scales the signal by c = 0.9, so by 0.9^l after l layers.
export default function init(layer: LayerInfo): Weights {
  const [rows, cols] = layer.shape;
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) w[i * cols + i] = 0.9;
  return w;
}

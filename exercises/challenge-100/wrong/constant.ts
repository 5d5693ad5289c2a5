// Identical units with a stable variance: the symmetry is never broken.
export default function init(layer: LayerInfo): Weights {
  const size = layer.shape.reduce((a, b) => a * b, 1);
  return new Float32Array(size).fill(Math.SQRT2 / layer.fanIn);
}

// Every weight equal: the variance can be tuned to look stable, but all units stay identical.
export default function init(layer: LayerInfo): Weights {
  const size = layer.shape.reduce((a, b) => a * b, 1);
  return new Float32Array(size).fill(Math.SQRT2 / layer.fanIn);
}

// All zeros: every unit of a layer computes the same thing and gets the same update, forever.
export default function init(layer: LayerInfo): Weights {
  return new Float32Array(layer.shape.reduce((a, b) => a * b, 1));
}

// LeCun: right for tanh, but each ReLU halves the signal: 2^-11 after 11 layers, and the gradients are as weak.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

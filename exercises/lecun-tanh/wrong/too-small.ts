// Half the LeCun std: each layer quarters the variance.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, 0.5 * Math.sqrt(1 / layer.fanIn));
}

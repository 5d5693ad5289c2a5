// He normal with the conv fan: fan_in = kh · kw · cIn (layer.fanIn), shape[0] for dense.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const [kh, kw, cIn] = layer.kind === 'conv2d' ? layer.shape : [1, 1, layer.shape[0]];
  const fanIn = kh * kw * cIn;
  return random.normal(layer.shape, 0, Math.sqrt(2 / fanIn));
}

// Anything goes. This one explodes: make it stable over 100 layers.
export default function init(layer: LayerInfo, { tf, random }: InitTools): Weights {
  return random.normal(layer.shape, 0, 1);
}

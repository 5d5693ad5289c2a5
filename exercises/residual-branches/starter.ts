// Called once per residual block. layer.depth is the number of blocks.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: this branch preserves variance on its own. What does it do to the stream it is added to?
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

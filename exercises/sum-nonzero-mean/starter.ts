const INPUT_MEAN = 3;
const INPUT_STD = 2;

// Called once per weight layer (layer.index 1 first). Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: LeCun assumes zero-mean, unit-variance inputs. Which layers see something else?
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}

const INPUT_MEAN = 3;
const INPUT_STD = 2;

// Var(w·x) = Var(w) · E[x²] for zero-mean w. Layer 1 sees E[x²] = 2² + 3² = 13; later layers see y with
// mean 0 and variance 1, so E[y²] = 1 there.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  const inputSecondMoment = layer.index === 1 ? INPUT_STD ** 2 + INPUT_MEAN ** 2 : 1;
  return random.normal(layer.shape, 0, Math.sqrt(1 / (layer.fanIn * inputSecondMoment)));
}

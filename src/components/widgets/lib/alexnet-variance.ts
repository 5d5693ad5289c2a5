/**
 * The AlexNet variance recursion of lesson 6, on the engine's AlexNet shapes:
 *   layer 1:  Var[y_1] = fan_in · Var[w] · E[x²]            (the input is the image, not a ReLU output)
 *   layer l:  Var[y_l] = Var[y_{l−1}] · ½ · fan_in · Var[w]  (ReLU keeps half of the second moment)
 * Simplifications: zero biases, max-pooling treated as if it kept the second moment, normalized
 * pixels (E[x²] = 1), and the ½ assumes y symmetric around 0.
 */
import { alexnet, weightLayers } from '~/engine/networks';
import type { LayerInfo } from '~/engine/types';

export const ALEXNET_WEIGHT_LAYERS: LayerInfo[] = weightLayers(alexnet());

export function alexnetForwardVariance(weightVariance: (layer: LayerInfo) => number, inputSecondMoment = 1): number[] {
  const out: number[] = [];
  let previous = inputSecondMoment;
  for (const layer of ALEXNET_WEIGHT_LAYERS) {
    const keep = layer.index === 1 ? 1 : 0.5;
    previous = previous * keep * layer.fanIn * weightVariance(layer);
    out.push(previous);
  }
  return out;
}

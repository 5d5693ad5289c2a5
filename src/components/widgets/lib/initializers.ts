/**
 * The weight-std choices the widgets offer, built on the engine's VarianceScaling presets
 * (one formula, many names) so the widgets teach exactly what the exercises grade.
 */
import { PRESETS, targetVariance } from '~/engine/variance-scaling';

export type InitChoice = 'he' | 'lecun' | 'glorot' | 'normal';

export const INIT_LABELS: Record<InitChoice, string> = {
  he: 'He: Var[w] = 2/fan_in',
  lecun: 'LeCun: Var[w] = 1/fan_in',
  glorot: 'Glorot: Var[w] = 2/(fan_in + fan_out)',
  normal: 'N(0, σ²), fixed σ',
};

/** Std of the weights of a layer with these fans, for an init choice; `gain` multiplies the std. */
export function initStd(choice: InitChoice, fans: { fanIn: number; fanOut: number }, sigma: number, gain = 1): number {
  if (choice === 'normal') return sigma * gain;
  const { scale, mode } = PRESETS[choice];
  return Math.sqrt(targetVariance(scale, mode, fans, gain));
}

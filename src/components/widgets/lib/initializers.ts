/**
 * The weight-std choices the widgets offer, built on the engine's VarianceScaling presets
 * (one formula, many names) so the widgets teach exactly what the exercises grade.
 */
import { PRESETS, targetVariance, type PresetName } from '~/engine/variance-scaling';

export type InitChoice = PresetName | 'normal';

const presetLabel = ({ label, variance }: { label: string; variance: string }) => `${label}: Var[w] = ${variance}`;

export const INIT_LABELS: Record<InitChoice, string> = {
  he: presetLabel(PRESETS.he),
  lecun: presetLabel(PRESETS.lecun),
  glorot: presetLabel(PRESETS.glorot),
  normal: 'N(0, σ²), fixed σ',
};

/** Std of the weights of a layer with these fans, for an init choice; `gain` multiplies the std. */
export function initStd(choice: InitChoice, fans: { fanIn: number; fanOut: number }, sigma: number, gain = 1): number {
  if (choice === 'normal') return sigma * gain;
  const { scale, mode } = PRESETS[choice];
  return Math.sqrt(targetVariance(scale, mode, fans, gain));
}

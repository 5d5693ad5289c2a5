/**
 * Reference initializers as data. Pure math, no TF.js: fills Float32Arrays from the seeded sampler.
 *
 * Every classic initializer is a preset of VarianceScaling(scale, mode, distribution) (see variance-scaling.ts);
 * the rest (zeros, constant, fixed normal/uniform/truncated normal, orthogonal) are listed beside them.
 * An optional gain γ multiplies the std (so VarianceScaling's scale becomes scale·γ²).
 *
 * Semantics follow Keras 2 / DESIGN.md: "truncated_normal" is corrected so the std AFTER truncation at ±2σ
 * is √(scale/fan). Note that TF.js 4.22's tf.initializers.heNormal/glorotNormal/lecunNormal sample a
 * truncated normal with stddev √(scale/fan) and no correction, i.e. an actual std 0.8796× smaller; our
 * *_normal presets are the untruncated normal (PyTorch's kaiming_normal_), whose std is exactly √(scale/fan).
 */
import type { Random } from './random';
import { sampleOrthogonal } from './orthogonal';
import { computeFans, PRESETS, samplingParameter, targetVariance, type Distribution, type FanMode, type PresetName } from './variance-scaling';

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'normal'
  | 'uniform'
  | 'truncated_normal'
  | 'variance_scaling'
  | 'lecun_normal'
  | 'lecun_uniform'
  | 'he_normal'
  | 'he_uniform'
  | 'glorot_normal'
  | 'glorot_uniform'
  | 'orthogonal'
  | 'alexnet_normal';

export const INITIALIZER_NAMES: readonly InitializerName[] = [
  'zeros', 'ones', 'constant', 'normal', 'uniform', 'truncated_normal', 'variance_scaling',
  'lecun_normal', 'lecun_uniform', 'he_normal', 'he_uniform', 'glorot_normal', 'glorot_uniform',
  'orthogonal', 'alexnet_normal',
];

/** A reference to an initializer, as it appears in exercise criteria and in code. */
export interface InitializerRef {
  name: InitializerName;
  /** Multiplies the std (default 1). */
  gain?: number;
  /** constant: the value. */
  value?: number;
  /** normal / truncated_normal: mean (default 0) and std (default 0.05, as TF.js). */
  mean?: number;
  std?: number;
  /** uniform: U(−limit, limit) (default 0.05, as TF.js). */
  limit?: number;
  /** variance_scaling only. */
  scale?: number;
  mode?: FanMode;
  distribution?: Distribution;
}

/** What an initializer draws from, once the layer's fans are known. */
export type ResolvedInitializer =
  | { distribution: 'constant'; value: number; std: 0 }
  | { distribution: 'normal'; mean: number; std: number }
  | { distribution: 'truncated_normal'; mean: number; std: number; samplingStd: number }
  | { distribution: 'uniform'; low: number; high: number; std: number }
  | { distribution: 'orthogonal'; gain: number; std: number };

/** lecun_normal … glorot_uniform: each preset of variance-scaling.ts with a normal and a uniform distribution. */
const VARIANCE_SCALING_PRESETS: Partial<Record<InitializerName, { preset: PresetName; distribution: 'normal' | 'uniform' }>> =
  Object.fromEntries((Object.keys(PRESETS) as PresetName[]).flatMap((preset) =>
    (['normal', 'uniform'] as const).map((distribution) => [`${preset}_${distribution}`, { preset, distribution }])));

/**
 * How messages name an initializer: "He normal: √(2/fan_in)", "Glorot uniform: a = √(6/(fan_in + fan_out))",
 * with its gain when there is one ("LeCun normal: √(1/fan_in) × gain 1.67").
 */
export function initializerLabel(ref: InitializerRef, formatGain: (gain: number) => string = String): string {
  const preset = VARIANCE_SCALING_PRESETS[ref.name];
  const name = preset
    ? `${PRESETS[preset.preset].label} ${preset.distribution}: ${preset.distribution === 'uniform' ? `a = √(${PRESETS[preset.preset].limit})` : `√(${PRESETS[preset.preset].variance})`}`
    : ref.name === 'alexnet_normal' ? 'AlexNet: N(0, 0.01²)' : ref.name;
  return ref.gain !== undefined && ref.gain !== 1 ? `${name} × gain ${formatGain(ref.gain)}` : name;
}

/** Resolves a reference for one weight shape: the exact distribution and its std (the "target" a check compares to). */
export function resolveInitializer(ref: InitializerRef, shape: readonly number[]): ResolvedInitializer {
  const gain = ref.gain ?? 1;
  const named = VARIANCE_SCALING_PRESETS[ref.name];
  const preset = named && { ...PRESETS[named.preset], distribution: named.distribution };
  if (preset || ref.name === 'variance_scaling') {
    const scale = preset?.scale ?? ref.scale ?? 1;
    const mode: FanMode = preset?.mode ?? ref.mode ?? 'fan_in';
    const distribution = preset?.distribution ?? ref.distribution ?? 'truncated_normal';
    const variance = targetVariance(scale, mode, computeFans(shape), gain);
    const std = Math.sqrt(variance);
    const parameter = samplingParameter(distribution, variance);
    if (distribution === 'uniform') return { distribution: 'uniform', low: -parameter, high: parameter, std };
    if (distribution === 'truncated_normal') return { distribution: 'truncated_normal', mean: 0, std, samplingStd: parameter };
    return { distribution: 'normal', mean: 0, std };
  }
  switch (ref.name) {
    case 'zeros': return { distribution: 'constant', value: 0, std: 0 };
    case 'ones': return { distribution: 'constant', value: gain, std: 0 };
    case 'constant': return { distribution: 'constant', value: (ref.value ?? 0) * gain, std: 0 };
    case 'normal': return { distribution: 'normal', mean: ref.mean ?? 0, std: (ref.std ?? 0.05) * gain };
    case 'alexnet_normal': return { distribution: 'normal', mean: 0, std: 0.01 * gain };
    case 'truncated_normal': {
      const samplingStd = (ref.std ?? 0.05) * gain;
      return { distribution: 'truncated_normal', mean: ref.mean ?? 0, std: samplingStd * 0.87962566103423978, samplingStd };
    }
    case 'uniform': {
      const limit = (ref.limit ?? 0.05) * gain;
      return { distribution: 'uniform', low: -limit, high: limit, std: limit / Math.sqrt(3) };
    }
    case 'orthogonal': {
      // An orthogonal matrix with rows ≥ cols has orthonormal columns: each entry has variance 1/rows.
      const { rows, cols } = orthogonalMatrixShape(shape);
      return { distribution: 'orthogonal', gain, std: gain / Math.sqrt(Math.max(rows, cols)) };
    }
    default:
      throw new Error(`unknown initializer "${ref.name}"; known: ${INITIALIZER_NAMES.join(', ')}`);
  }
}

/**
 * Draws the weights of one layer with a reference initializer, into `out` when given (any contents: every value
 * is written), e.g. a tensor's memory (see tensorFilledBy).
 */
export function sampleInitializer(ref: InitializerRef, shape: readonly number[], random: Random, out?: Float32Array): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (out && out.length !== size) throw new Error(`sampleInitializer: out has ${out.length} values, shape [${shape.join(', ')}] needs ${size}`);
  out ??= new Float32Array(size);
  const resolved = resolveInitializer(ref, shape);
  switch (resolved.distribution) {
    case 'constant': return out.fill(resolved.value);
    case 'normal': return random.fillNormal(out, resolved.mean, resolved.std);
    case 'truncated_normal': return random.fillTruncatedNormal(out, resolved.mean, resolved.samplingStd);
    case 'uniform': return random.fillUniform(out, resolved.low, resolved.high);
    case 'orthogonal': return sampleOrthogonal(shape, resolved.gain, random, out);
  }
}

/** Keras/TF.js flatten the kernel to [prod(shape[:-1]), shape[-1]] before making it orthogonal. */
function orthogonalMatrixShape(shape: readonly number[]): { rows: number; cols: number } {
  const cols = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, cols };
}

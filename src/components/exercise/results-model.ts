/**
 * Turning streamed LayerStats into what the results view draws: per-layer series, the grader's band,
 * readable numbers and a sentence about the backend.
 */
import { resolveNetwork, type Exercise } from '../../engine/exercise-schema';
import { resolveInitializer, type InitializerRef } from '../../engine/initializers';
import { weightLayers } from '../../engine/networks';
import { finiteWidthBand, logVarianceSpreadPerLayer, meanField } from '../../engine/theory';
import type { LayerStats } from '../../engine/types';
import type { BackendName, BackendReport } from '../../runner/protocol';

const BACKEND_NAMES: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** Number of weight layers of the exercise's n-th network (so the plot's x axis is known before data arrives). */
export function networkLayerCount(spec: Exercise, networkIndex: number, streamed: LayerStats[]): number {
  const ref = spec.networks[networkIndex];
  const fromSpec = ref ? weightLayers(resolveNetwork(ref)).length : 0;
  return Math.max(fromSpec, ...streamed.map((l) => l.index));
}

/** Forward pre-activation variance or backward gradient variance per layer; null where unmeasured or not finite. */
export function seriesOf(layers: LayerStats[], layerCount: number, phase: 'forward' | 'backward'): (number | null)[] {
  const values: (number | null)[] = Array.from({ length: layerCount }, () => null);
  for (const layer of layers) {
    const v = phase === 'forward' ? layer.forward.preVar : layer.backward?.gradPreVar;
    if (v !== undefined && Number.isFinite(v) && layer.index >= 1 && layer.index <= layerCount) values[layer.index - 1] = v;
  }
  return values;
}

export interface Band {
  low: (number | null)[];
  high: (number | null)[];
}

/**
 * The band the grader allows, per layer: expected × 10^(±band). Mirrors checkDrift in grading.ts (a unit
 * test holds the two together): the expected curve is the infinite-width theory of the reference
 * initializer on plain dense nets, otherwise the learner's own layer 1 (forward) or last layer
 * (backward); the band is maxLog10Drift, or the finite-width band for the κ/n walked from the anchor.
 * Drawn from the exercise spec, so the theory band is visible before any layer arrives.
 */
export function allowedBands(spec: Exercise, networkIndex: number, learner: LayerStats[]): { forward: Band | null; backward: Band | null } {
  const ref = spec.networks[networkIndex];
  if (!ref) return { forward: null, backward: null };
  const layers = weightLayers(resolveNetwork(ref));
  const criteria = spec.criteria;
  const reference = criteria.reference as InitializerRef | undefined;
  const plainDense = layers.every((l) => l.kind === 'dense' && !l.residual);
  const anchoredToTheory = !!reference && plainDense && layers.length > 0;
  const theory = anchoredToTheory
    ? meanField(layers.map((l) => ({ fanIn: l.fanIn, units: l.shape[1], activation: l.activation, weightVariance: resolveInitializer(reference!, l.shape).std ** 2 })))
    : null;
  const spread = layers.map((l) => logVarianceSpreadPerLayer(l.activation) / l.shape[l.shape.length - 1]);
  const sum = (from: number, to: number) => spread.slice(from, to).reduce((a, b) => a + b, 0);
  const byIndex = new Map(learner.map((l) => [l.index, l]));

  const bandFor = (phase: 'forward' | 'backward', maxLog10Drift: number | undefined): Band => {
    const walked = (i: number) =>
      anchoredToTheory
        ? phase === 'forward' ? sum(0, i + 1) : sum(i, layers.length)
        : phase === 'forward' ? sum(1, i + 1) : sum(i, layers.length - 1);
    const anchorLayer = phase === 'forward' ? byIndex.get(1) : byIndex.get(layers.length);
    const anchor = phase === 'forward' ? anchorLayer?.forward.preVar : anchorLayer?.backward?.gradPreVar;
    const low: (number | null)[] = [];
    const high: (number | null)[] = [];
    layers.forEach((_layer, i) => {
      const expected = theory ? (phase === 'forward' ? theory.preVar[i] : theory.gradPreVar[i]) : anchor;
      if (expected === undefined || !Number.isFinite(expected) || expected <= 0) {
        low.push(null);
        high.push(null);
        return;
      }
      const band = maxLog10Drift ?? finiteWidthBand(walked(i));
      low.push(expected / 10 ** band);
      high.push(expected * 10 ** band);
    });
    return { low, high };
  };

  return {
    forward: criteria.forward ? bandFor('forward', criteria.forward.maxLog10Drift) : null,
    backward: criteria.backward ? bandFor('backward', criteria.backward.maxLog10Drift) : null,
  };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '−∞' : 'NaN';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(2).replace('e+', 'e');
  return value.toPrecision(3);
}

/** "Ran on WASM (…). Not used: WebGPU: navigator.gpu has no adapter." (or "Will run on …" before a run). */
export function describeBackend(
  report: Pick<BackendReport, 'name' | 'details' | 'tried'>,
  tense: 'ran' | 'will run' = 'ran',
  withDetails = tense === 'ran',
): string {
  const used = BACKEND_NAMES[report.name];
  const details = withDetails && report.details ? ` (${report.details})` : '';
  const skipped = report.tried.filter((t) => !t.ok && t.name !== report.name);
  const skippedText = skipped.length
    ? ` Not used: ${skipped.map((t) => `${BACKEND_NAMES[t.name]}: ${t.reason ?? 'unavailable'}`).join('; ')}.`
    : '';
  return `${tense === 'ran' ? 'Ran' : 'Will run'} on ${used}${details}.${skippedText}`;
}

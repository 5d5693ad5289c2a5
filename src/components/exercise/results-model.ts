/**
 * Turning streamed LayerStats into what the results view draws: per-layer series, the grader's band,
 * readable numbers and a sentence about the backend.
 */
import { resolveNetwork, type Exercise } from '../../engine/exercise-schema';
import { driftBands, type LayerBand } from '../../engine/grading';
import { weightLayers } from '../../engine/networks';
import type { LayerStats } from '../../engine/types';
import type { BackendName, BackendReport, RunEvent, TrainPoint } from '../../runner/protocol';

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
 * The band the grader allows, per layer: expected × 10^(±band), from the grader's own driftBands.
 * Drawn from the exercise spec, so the theory band is visible before any layer arrives; a self-anchored
 * band appears once its anchor layer (layer 1 forward, the last layer backward) has streamed in.
 */
export function allowedBands(spec: Exercise, networkIndex: number, learner: LayerStats[]): { forward: Band | null; backward: Band | null } {
  const ref = spec.networks[networkIndex];
  if (!ref) return { forward: null, backward: null };
  const layers = weightLayers(resolveNetwork(ref));
  const byIndex = new Map(learner.map((l) => [l.index, l]));
  const bands = driftBands(spec.criteria, layers, {
    firstPreVar: byIndex.get(1)?.forward.preVar,
    lastGradPreVar: byIndex.get(layers.length)?.backward?.gradPreVar,
  });
  const toBand = (perLayer: LayerBand[] | null): Band | null => {
    if (!perLayer) return null;
    const drawable = ({ expected }: LayerBand) => Number.isFinite(expected) && expected > 0;
    return {
      low: perLayer.map((l) => (drawable(l) ? l.expected / 10 ** l.band : null)),
      high: perLayer.map((l) => (drawable(l) ? l.expected * 10 ** l.band : null)),
    };
  };
  return { forward: toBand(bands.forward), backward: toBand(bands.backward) };
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

/** One graded seed's training curve, as it streams in or as the grader reported it. */
export interface SeedCurve {
  seed: number;
  points: TrainPoint[];
  diverged?: { step: number; loss: number };
}

/** The training curves of a run, per network trained (the grader's `training`, or built from the stream). */
export type TrainingCurves = { network: string; curves: SeedCurve[] }[];

/** Where browser grading is: "training seed 2 of 2, step 120/200". */
export interface TrainProgressNote {
  seedIndex: number;
  seeds: number;
  /** Steps done. */
  step: number;
  steps: number;
}

/** Adds a streamed training point to the curves (a new array; the point's seed gets its own curve). */
export function withTrainPoint(curves: TrainingCurves, event: RunEvent & { type: 'train-progress' }, networkName: string): TrainingCurves {
  const next = curves.map((n) => ({ ...n, curves: [...n.curves] }));
  const network = (next[event.networkIndex] ??= { network: networkName, curves: [] });
  const at = network.curves.findIndex((c) => c.seed === event.seed);
  const curve = at >= 0 ? network.curves[at] : { seed: event.seed, points: [] };
  const updated = { ...curve, points: [...curve.points.filter((p) => p.step !== event.point.step), event.point] };
  if (at >= 0) network.curves[at] = updated;
  else network.curves.push(updated);
  return next;
}

export function progressNote(event: RunEvent & { type: 'train-progress' }): TrainProgressNote {
  return { seedIndex: event.seedIndex, seeds: event.seeds, step: event.point.step + 1, steps: event.steps };
}

/** The learner's and the reference's values at every step either recorded (null where one has no point there). */
export function alignedCurves(learner: SeedCurve | undefined, reference: SeedCurve | undefined, value: (p: TrainPoint) => number) {
  const steps = [...new Set([...(learner?.points ?? []), ...(reference?.points ?? [])].map((p) => p.step))].sort((a, b) => a - b);
  const at = (curve: SeedCurve | undefined) => {
    const byStep = new Map((curve?.points ?? []).map((p) => [p.step, value(p)]));
    return steps.map((s) => byStep.get(s) ?? null);
  };
  return { steps, learner: at(learner), reference: at(reference) };
}

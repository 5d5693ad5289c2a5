/**
 * The band drawn in the exercise's variance plot (src/components/exercise/results-model.ts) is the band
 * the grader enforces (src/engine/grading.ts): a layer just inside the drawn band passes the drift
 * check, just outside fails it at that layer. Checked for the theory-anchored case (plain dense net with
 * a reference) and the self-anchored case (no reference), forward and backward.
 */
import { describe, expect, it } from 'vitest';
import { allowedBands, seriesOf } from '../../src/components/exercise/results-model';
import { parseExercise, resolveNetwork, type Exercise } from '../../src/engine/exercise-schema';
import { grade } from '../../src/engine/grading';
import { weightLayers } from '../../src/engine/networks';
import type { LabResult, LayerStats } from '../../src/engine/types';

function exercise(reference: string | undefined): Exercise {
  return parseExercise(
    {
      id: 'band-test',
      title: 'Band test',
      lesson: 'lessons/04-relu-he',
      summary: 'test',
      networks: [{ preset: 'mlp', depth: 12, width: 64, activation: 'relu' }],
      criteria: { ...(reference ? { reference } : {}), forward: {}, backward: {}, symmetry: false },
      timeLimitMs: 1000,
      hints: [],
      wrongAnswers: [],
    },
    'band-test/exercise.json',
  );
}

/** A LabResult whose every layer sits at `forward[i]` / `backward[i]`. */
function labResult(spec: Exercise, forward: number[], backward: number[]): LabResult {
  const layers: LayerStats[] = weightLayers(resolveNetwork(spec.networks[0])).map((info, i) => ({
    index: info.index,
    name: info.name,
    kind: info.kind,
    activation: info.activation,
    fanIn: info.fanIn,
    fanOut: info.fanOut,
    shape: info.shape,
    residual: info.residual,
    forward: {
      preMean: 0, preVar: forward[i], actSecondMoment: forward[i] / 2, zeroFraction: 0.5, saturatedFraction: 0,
      histogram: { min: -1, max: 1, counts: [1] }, weightMean: 0, weightStd: Math.sqrt(2 / info.fanIn), weightMaxAbs: 1,
      weightTailFraction: 0.046, unitsIdentical: false, overflow: false,
    },
    backward: { gradPreVar: backward[i], weightGradVar: 1, weightGradColumns: 64, overflow: false },
  })) as unknown as LayerStats[];
  return { network: 'mlp', backend: 'cpu', seed: 1, batch: 64, layers, backward: true, timings: { initMs: 0, forwardMs: 0, backwardMs: 0 } } as LabResult;
}

function checkPhase(spec: Exercise, phase: 'forward' | 'backward') {
  const n = weightLayers(resolveNetwork(spec.networks[0])).length;
  // Start from a run that passes (the middle of the band, geometric), then push one layer to each edge.
  const baseline = labResult(spec, Array(n).fill(1), Array(n).fill(1));
  const bands = allowedBands(spec, 0, baseline.layers);
  const band = bands[phase]!;
  const centre = (i: number) => Math.sqrt(band.low[i]! * band.high[i]!);
  const other = phase === 'forward' ? 'backward' : 'forward';
  const otherCentre = (i: number) => Math.sqrt(bands[other]!.low[i]! * bands[other]!.high[i]!);
  const forwardAt = (values: (i: number) => number) => Array.from({ length: n }, (_, i) => values(i));
  const probe = n - 3; // an inner layer, away from the anchors
  const run = (factorAtProbe: number, edge: 'low' | 'high') => {
    const at = (i: number) => (i === probe ? band[edge][i]! * factorAtProbe : centre(i));
    const values = forwardAt(at);
    const others = forwardAt(otherCentre);
    const result = phase === 'forward' ? labResult(spec, values, others) : labResult(spec, others, values);
    // Self-anchored bands depend on the anchor layer's own value: recompute from this result.
    const again = allowedBands(spec, 0, result.layers)[phase]!;
    expect(again[edge][probe]).toBeCloseTo(band[edge][probe]!, 10);
    return grade(spec.criteria, result);
  };
  const inside = [run(0.98, 'high'), run(1.02, 'low')];
  const outside = [run(1.02, 'high'), run(0.98, 'low')];
  for (const verdict of inside) expect(verdict.details.find((d) => d.check === phase)?.passed).toBe(true);
  for (const verdict of outside) {
    const check = verdict.details.find((d) => d.check === phase)!;
    expect(check.passed).toBe(false);
    expect(check.layer).toBe(probe + 1);
  }
}

describe('the plotted band is the grader\'s band', () => {
  it('anchored to the theory of the reference initializer (forward and backward)', () => {
    const spec = exercise('he_normal');
    checkPhase(spec, 'forward');
    checkPhase(spec, 'backward');
  });

  it('anchored to the network\'s own first / last layer when there is no reference', () => {
    const spec = exercise(undefined);
    checkPhase(spec, 'forward');
    checkPhase(spec, 'backward');
  });
});

describe('the plotted series', () => {
  it('is each layer\'s measured variance at its index, with gaps for missing and non-finite values', () => {
    const spec = exercise('he_normal');
    const forward = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const backward = [120, 110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
    const layers = labResult(spec, forward, backward).layers;
    expect(seriesOf(layers, 12, 'forward')).toEqual(forward);
    expect(seriesOf(layers, 12, 'backward')).toEqual(backward);
    // Layer 2 overflowed, layer 3 was not measured, layer 4 has no backward pass: the plot leaves gaps.
    layers[1].forward.preVar = Infinity;
    delete layers[3].backward;
    const partial = layers.filter((l) => l.index !== 3);
    expect(seriesOf(partial, 12, 'forward')).toEqual([1, null, null, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(seriesOf(partial, 12, 'backward')).toEqual([120, 110, null, null, 80, 70, 60, 50, 40, 30, 20, 10]);
  });
});

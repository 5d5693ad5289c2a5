/**
 * Grading a training criterion: train once per seed from the answer's weights, then say what happened.
 * The first failing seed decides the message; it quotes the numbers the run measured (loss at the start and
 * at the end, held-out accuracy, the gradient norms at the first step). Pure: the dataset and the weights
 * are handed in (Node and the browser load them their own way).
 */
import type { Dataset } from './datasets';
import type { Exercise, TrainCriterion } from './exercise-schema';
import { formatNumber } from './format';
import { train, type TrainPoint, type TrainResult } from './train';
import type { NetworkSpec, Verdict, VerdictCheck } from './types';

/** A loss that moved less than this over the whole run counts as flat. */
const FLAT_LOSS_CHANGE = 0.05;

export interface TrainExerciseOptions {
  criterion: TrainCriterion;
  network: NetworkSpec;
  dataset: Dataset;
  /** The answer's weights for one seed (the grader validates them; LearnerErrors propagate to the caller). */
  weightsForSeed: (seed: number) => Float32Array[] | Promise<Float32Array[]>;
  onRun?: (run: TrainResult) => void;
  /** Each streamed point of each seed's run, as it is measured (progress and live curves). */
  onPoint?: (progress: TrainProgress) => void;
}

/** Where a graded training run is: seed `seedIndex + 1` of `seeds`, and its latest point. */
export interface TrainProgress {
  seed: number;
  seedIndex: number;
  seeds: number;
  steps: number;
  point: TrainPoint;
}

/** Trains on every seed of the criterion (stopping at the first failing seed) and grades the runs. */
export async function trainAndGrade(options: TrainExerciseOptions): Promise<{ verdict: Verdict; runs: TrainResult[] }> {
  const { criterion, network, dataset } = options;
  const runs: TrainResult[] = [];
  for (const [seedIndex, seed] of criterion.seeds.entries()) {
    const onPoint = options.onPoint;
    const run = await train({
      network, dataset, seed,
      weights: await options.weightsForSeed(seed),
      optimizer: criterion.optimizer === 'sgd' ? { kind: 'sgd', momentum: criterion.momentum ?? 0.9 } : { kind: 'adam' },
      learningRate: criterion.learningRate,
      batch: criterion.batch,
      steps: criterion.steps,
      onPoint: onPoint && ((point) => onPoint({ seed, seedIndex, seeds: criterion.seeds.length, steps: criterion.steps, point })),
    });
    runs.push(run);
    options.onRun?.(run);
    if (!checkRun(criterion, run).passed) break;
  }
  return { verdict: gradeTraining(criterion, runs), runs };
}

/**
 * The train criterion as one check, for a grading path that has the answer's validated weights of one seed
 * (submission.ts's weight-criterion seam): every criterion seed trains from these weights with its own batch
 * order. Also returns the curve of each seed that ran (`curves`, what the results panel plots). Null when the
 * exercise has no train criterion.
 */
export async function trainCriterionCheck(
  input: { exercise: Exercise; network: NetworkSpec; weights: Float32Array[] },
  loadDataset: (name: TrainCriterion['dataset']) => Promise<Dataset>,
  onPoint?: (progress: TrainProgress) => void,
): Promise<{ check: VerdictCheck; curves: TrainCurve[] } | null> {
  const criterion = input.exercise.criteria.train;
  if (!criterion) return null;
  const dataset = await loadDataset(criterion.dataset);
  const { verdict, runs } = await trainAndGrade({ criterion, network: input.network, dataset, weightsForSeed: () => input.weights, onPoint });
  return { check: { check: 'train', passed: verdict.passed, message: verdict.message, layer: verdict.firstBadLayer }, curves: runs.map(trainCurve) };
}

/** A graded training run as plain data: the seed, its points, how it ended (no weights or predictions). */
export interface TrainCurve {
  seed: number;
  steps: number;
  points: TrainPoint[];
  diverged?: { step: number; loss: number };
  final: TrainResult['final'];
}

function trainCurve(run: TrainResult): TrainCurve {
  return { seed: run.seed, steps: run.steps, points: run.points, ...(run.diverged ? { diverged: run.diverged } : {}), final: run.final };
}

/** The verdict on training runs, one per seed (in the criterion's order). */
export function gradeTraining(criterion: TrainCriterion, runs: readonly TrainResult[]): Verdict {
  const details = runs.map((run) => checkRun(criterion, run));
  const failed = details.find((d) => !d.passed);
  if (failed) return { passed: false, message: failed.message, firstBadLayer: failed.layer, details };
  if (runs.length < criterion.seeds.length) {
    return { passed: false, message: `training ran on ${runs.length} of ${criterion.seeds.length} seeds`, details };
  }
  const seeds = runs.map((r) => r.seed).join(', ');
  const parts: string[] = [];
  if (criterion.minAccuracy !== undefined) {
    parts.push(`held-out accuracy ${runs.map((r) => percent(r.final.heldOutAccuracy)).join(', ')} (needed ≥ ${percent(criterion.minAccuracy)})`);
  }
  if (criterion.maxLoss !== undefined) {
    parts.push(`training loss ${runs.map((r) => lossText(r.final.loss)).join(', ')} (needed ≤ ${lossText(criterion.maxLoss)})`);
  }
  return {
    passed: true,
    message: `Passed: after ${criterion.steps} steps on ${runs[0].dataset}, seeds ${seeds}: ${parts.join('; ')}.`,
    details,
  };
}

function checkRun(criterion: TrainCriterion, run: TrainResult): VerdictCheck {
  const where = `seed ${run.seed}`;
  const start = run.points[0];
  if (run.diverged) {
    const largest = start ? largestGradient(start.layers.map((l) => l.gradNorm)) : undefined;
    return {
      check: 'train', passed: false, layer: largest?.layer,
      message:
        `Training diverged at step ${run.diverged.step} (${where}): the loss became ${run.diverged.loss}.` +
        (start && largest
          ? ` At the first step the loss was already ${lossText(start.loss)} (chance is ln ${run.classes} = ${lossText(Math.log(run.classes))}) and the largest gradient norm ${formatNumber(largest.value)} (layer ${largest.layer}): weights this large make the logits and the updates explode.`
          : ''),
    };
  }
  const accuracyOk = criterion.minAccuracy === undefined || run.final.heldOutAccuracy >= criterion.minAccuracy;
  const lossOk = criterion.maxLoss === undefined || run.final.loss <= criterion.maxLoss;
  if (accuracyOk && lossOk) {
    return { check: 'train', passed: true, message: `${where}: held-out accuracy ${percent(run.final.heldOutAccuracy)}, training loss ${lossText(run.final.loss)} after ${run.steps} steps` };
  }
  const goal = !accuracyOk
    ? `held-out accuracy is ${percent(run.final.heldOutAccuracy)} after ${run.steps} steps (needed ≥ ${percent(criterion.minAccuracy!)})`
    : `training loss is ${lossText(run.final.loss)} after ${run.steps} steps (needed ≤ ${lossText(criterion.maxLoss!)})`;
  return { check: 'train', passed: false, layer: 1, message: `The network did not learn enough (${where}): ${goal}. ${diagnose(run)}` };
}

/** What the curve and the first step's gradients show, in numbers. */
function diagnose(run: TrainResult): string {
  const start = run.points[0];
  const end = run.points[run.points.length - 1];
  if (!start || !end) return '';
  const grads = start.layers.map((l) => l.gradNorm);
  const depth = grads.length;
  const chance = Math.log(run.classes);
  const flat = Math.abs(end.loss - start.loss) < FLAT_LOSS_CHANGE;
  const curve = flat
    ? `The loss stayed flat at ${lossText(end.loss)} for ${run.steps} steps${Math.abs(end.loss - chance) < FLAT_LOSS_CHANGE ? ` (ln ${run.classes} = ${lossText(chance)}: chance, the output ignores the input)` : ''}.`
    : `The loss went from ${lossText(start.loss)} to ${lossText(end.loss)} in ${run.steps} steps.`;
  const zeroLayers = grads.filter((g) => g === 0).length;
  if (zeroLayers === depth) return `${curve} Every weight gradient was exactly 0 at the first step: no signal reaches the output, so nothing can change.`;
  if (zeroLayers > 0) {
    const firstLive = grads.findIndex((g) => g > 0) + 1;
    return `${curve} At the first step the weight gradient was exactly 0 in ${zeroLayers} of ${depth} layers (the first nonzero one is layer ${firstLive}): the signal vanished (underflowed) on the way.`;
  }
  const ratio = grads[0] / grads[depth - 1];
  const largest = largestGradient(grads);
  return (
    `${curve} At the first step the gradient norm at layer 1 was ${formatNumber(grads[0])} (layer ${depth}: ${formatNumber(grads[depth - 1])}, a ratio of ${formatNumber(ratio)}); ` +
    `the largest was ${formatNumber(largest.value)} at layer ${largest.layer}.` +
    (largest.value < 0.1 ? ' Gradients this small make the updates tiny: the initial weights pass too weak a signal.' : '')
  );
}

function largestGradient(values: number[]): { layer: number; value: number } {
  let layer = 0;
  values.forEach((v, i) => { if (!(v <= values[layer])) layer = i; });
  return { layer: layer + 1, value: values[layer] };
}

/** Losses to two decimals: chance on 10 classes reads 2.30, as learners see it quoted. */
function lossText(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : String(x);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

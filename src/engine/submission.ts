/**
 * The one grading path: an exercise + a submission → a structured report. The CLI, the browser runner,
 * `check:content` and the tests all grade through `gradeSubmission`.
 *
 * A learner's submission arrives as the message stream of its own realm (realm-protocol.ts): nothing but
 * each layer's weights, or a learner error, ever crosses back. Per network:
 *   layer infos (networks.ts) → weights from the realm, each array validated here (exact length, all
 *   finite, copied) → runLab on those weights → grade → checks.
 * The time limit is enforced here, so its wording (timeoutMessage) is the same everywhere: the realm's
 * iterator is closed, and its host must then stop the realm at once (terminate the worker).
 *
 * Pure: no DOM, no Node built-ins (setTimeout is a global of both).
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveNetwork, type Exercise } from './exercise-schema';
import { checkWeightsOnly, grade, verdictOf } from './grading';
import type { InitializerRef } from './initializers';
import { initializeWeights, runLab } from './lab';
import { LearnerError, layerLabel, validateLayerWeights, type LearnerErrorKind, type LearnerInitializer } from './learner-api';
import { initializerMessages } from './learner-realm';
import { InitializerClock, parseFromLearner, timeoutMessage, type FromLearner, type LearnerJob } from './realm-protocol';
import type { Dataset } from './datasets';
import { weightLayers } from './networks';
import { trainCriterionCheck, type TrainCurve, type TrainProgress } from './train-grading';
import type { LabResult, LayerInfo, LayerStats, NetworkSpec, Verdict, VerdictCheck } from './types';

/** What a learner realm is asked for: the seed of its `random` and every network's weight layers. */
export type LearnerJobSpec = Pick<LearnerJob, 'seed' | 'networks'>;

/**
 * A learner's submission as seen by the grader: starts the learner's realm for a job and returns the
 * realm's raw messages (untrusted: each is checked with parseFromLearner). The iterator's `return()` must
 * stop the realm at once; the grader calls it on a time-out and when it needs no more layers.
 */
export type LearnerSource = (job: LearnerJobSpec) => AsyncIterable<unknown> | Iterable<unknown>;

export interface SubmissionOptions {
  /** Overrides the exercise's grading seed (tests use many). */
  seed?: number;
  /** Overrides the exercise's batch (tests may use a smaller one where the point allows). */
  batch?: number;
  /** Overrides exercise.timeLimitMs: how long the learner's code may run, from the realm's learner-ready. */
  timeLimitMs?: number;
  /** How long the realm may take to start (load TF.js) before it says learner-ready. Default 120 s. */
  startLimitMs?: number;
  onLayer?: (stats: LayerStats, phase: 'forward' | 'backward', network: number) => void;
  /** Called when the learner's initializer starts on a layer. */
  onInitLayer?: (layer: LayerInfo, network: number) => void;
  /** Loads a shipped dataset by name (Node and browser differ): needed by exercises with a `train` criterion. */
  loadDataset?: (name: 'digits' | 'spirals') => Promise<Dataset>;
  /** Each point of a train criterion's runs as it is measured (network index, seed, step). */
  onTrainPoint?: (progress: TrainProgress, network: number) => void;
}

export type CheckStatus = 'pass' | 'fail' | 'error';

/** One entry of the report: a grading check (symmetry, weights, forward, …) or the learner's code itself. */
export interface SubmissionCheck {
  name: string;
  /** pass / fail: the check ran; error: it could not run (the learner's code threw, timed out, …). */
  status: CheckStatus;
  message: string;
  /** 1-based weight layer the message is about. */
  layer?: number;
  /** The network's name, on exercises with several networks. */
  network?: string;
}

export interface SubmissionReport {
  passed: boolean;
  /** The verdict for the learner: the first failing check (with its consequence), or the pass summary. */
  message: string;
  /** Every check that ran, network by network, in order. */
  checks: SubmissionCheck[];
  /** Verdict of each network graded (absent for networks not reached). */
  verdicts: Verdict[];
  results: LabResult[];
  /** Set when the learner's code itself was rejected (threw, wrong shape, NaN, time-out, memory, …). */
  error?: { kind: LearnerErrorKind; layer?: number; network?: number };
  /** The train criterion's runs (one curve per seed that ran), per network that was trained. */
  training: TrainedNetwork[];
}

export interface TrainedNetwork {
  network: string;
  curves: TrainCurve[];
}

/** The name of the check that stands for the learner's code running (errors from the realm). */
export const INITIALIZER_CHECK = 'initializer';

/**
 * A criterion that takes the validated weights after the lab's verdict passed (the training criterion plugs
 * in here). Returns its check, or null when the exercise does not ask for it.
 */
export type WeightCriterion = (input: {
  exercise: Exercise; network: NetworkSpec; networkIndex: number; weights: Float32Array[]; result: LabResult;
}) => Promise<VerdictCheck | null>;

const WEIGHT_CRITERIA: WeightCriterion[] = [];

/** Grades a submission (a learner realm's message stream, or a reference initializer) on every network of an exercise. */
export async function gradeSubmission(
  exercise: Exercise, source: LearnerSource | InitializerRef, options: SubmissionOptions = {},
): Promise<SubmissionReport> {
  const { criteria } = exercise;
  const seed = options.seed ?? criteria.seed;
  const networks = exercise.networks.map(resolveNetwork);
  const layers = networks.map(weightLayers);
  const many = networks.length > 1;
  const report: SubmissionReport = { passed: false, message: '', checks: [], verdicts: [], results: [], training: [] };
  let channel: LearnerChannel | null = null;
  if (typeof source === 'function') {
    const job = { seed, networks: networks.map((n, i) => ({ name: n.name, layers: layers[i], inputMean: n.inputMean, inputStd: n.inputStd })) };
    channel = new LearnerChannel(source(job), job.networks, {
      timeLimitMs: options.timeLimitMs ?? exercise.timeLimitMs, startLimitMs: options.startLimitMs, onInitLayer: options.onInitLayer,
    });
  }
  try {
    for (let n = 0; n < networks.length; n++) {
      const network = networks[n];
      const prefix = many ? `${network.name}: ` : '';
      const networkField = many ? { network: network.name } : {};
      let weights: Float32Array[];
      try {
        weights = channel ? await channel.weights(n, layers[n]) : initializeWeights(network, source as InitializerRef, seed);
      } catch (error) {
        if (!(error instanceof LearnerError)) throw error;
        const message = prefix + learnerErrorText(error, layers[n]);
        report.checks.push({ name: INITIALIZER_CHECK, status: 'error', message, layer: error.layer, ...networkField });
        return { ...report, message, error: { kind: error.kind, layer: error.layer, network: n } };
      }
      if (channel) report.checks.push({ name: INITIALIZER_CHECK, status: 'pass', message: `returned valid weights for all ${weights.length} layers`, ...networkField });
      // Weights that cannot be right whatever they do (wrong count, not finite, identical units) are failed
      // before any forward pass; a wrong std still runs the lab, so the verdict can quote the drift it causes.
      const weightOnly = checkWeightsOnly(criteria, layers[n], weights);
      if (weightOnly.some((d) => !d.passed && d.check !== 'weights')) {
        const verdict = verdictOf(weightOnly, layers[n].length);
        report.verdicts.push(verdict);
        report.checks.push(...verdict.details.map((d) => toCheck(d, networkField)));
        return { ...report, message: prefix + verdict.message };
      }
      const result = await runLab({
        network, weights,
        batch: options.batch ?? criteria.batch,
        seed,
        backward: criteria.backward !== undefined,
        onLayer: options.onLayer && ((stats, phase) => options.onLayer!(stats, phase, n)),
      });
      report.results.push(result);
      const verdict = grade(criteria, result);
      for (const criterion of WEIGHT_CRITERIA) {
        if (!verdict.passed) break;
        const check = await criterion({ exercise, network, networkIndex: n, weights, result });
        if (check) addCheck(verdict, check);
      }
      if (verdict.passed && criteria.train) {
        if (!options.loadDataset) {
          throw new Error(`${exercise.id} trains the network on ${criteria.train.dataset}, and this runner has no dataset loader (SubmissionOptions.loadDataset): grade it with \`npm run grade -- ${exercise.id} <file.ts>\``);
        }
        const onTrainPoint = options.onTrainPoint;
        const trained = await trainCriterionCheck({ exercise, network, weights }, options.loadDataset, onTrainPoint && ((p) => onTrainPoint(p, n)));
        if (trained) {
          addCheck(verdict, trained.check);
          report.training.push({ network: network.name, curves: trained.curves });
          // The training result is what the exercise asks for: it is the pass message too.
          if (trained.check.passed) verdict.message = trained.check.message;
        }
      }
      report.verdicts.push(verdict);
      report.checks.push(...verdict.details.map((d) => toCheck(d, networkField)));
      if (!verdict.passed) return { ...report, message: prefix + verdict.message };
    }
  } finally {
    channel?.close();
  }
  const message = report.verdicts.map((v, i) => (many ? `${report.results[i].network}: ` : '') + v.message).join('\n');
  return { ...report, passed: true, message };
}

/** A learner error's message, naming the layer: a realm that died (out of memory) knows no layer, so say which one its initializer was working on. */
function learnerErrorText(error: LearnerError, layers: LayerInfo[]): string {
  const layer = error.layer === undefined ? undefined : layers[error.layer - 1];
  return (layer && !error.message.includes(layerLabel(layer)) ? `${layerLabel(layer)}: ` : '') + error.message;
}

function addCheck(verdict: Verdict, check: VerdictCheck): void {
  verdict.details.push(check);
  if (!check.passed) {
    verdict.passed = false;
    verdict.message = check.message;
    verdict.firstBadLayer = check.layer;
  }
}

function toCheck(detail: VerdictCheck, networkField: { network?: string }): SubmissionCheck {
  return { name: detail.check, status: detail.passed ? 'pass' : 'fail', message: detail.message, ...(detail.layer !== undefined ? { layer: detail.layer } : {}), ...networkField };
}

/**
 * Only the weights of a learner's initializer, for networks that are not an exercise's (the training widget's
 * "yours"): the same realm, the same checks of every array (exact length, all finite, copied) and the same
 * clock and time-out wording as gradeSubmission. Returns one Float32Array per weight layer per network, or the
 * learner's error.
 */
export async function learnerWeights(
  source: LearnerSource,
  job: LearnerJobSpec,
  options: { timeLimitMs: number; startLimitMs?: number; onInitLayer?: (layer: LayerInfo, network: number) => void },
): Promise<{ weights: Float32Array[][] } | { error: { kind: LearnerErrorKind; message: string; layer?: number; network: number } }> {
  const { networks } = job;
  const many = networks.length > 1;
  const channel = new LearnerChannel(source(job), networks, options);
  const weights: Float32Array[][] = [];
  try {
    for (let n = 0; n < networks.length; n++) {
      try {
        weights.push(await channel.weights(n, networks[n].layers));
      } catch (error) {
        if (!(error instanceof LearnerError)) throw error;
        return { error: { kind: error.kind, message: (many ? `${networks[n].name}: ` : '') + learnerErrorText(error, networks[n].layers), layer: error.layer, network: n } };
      }
    }
  } finally {
    channel.close();
  }
  return { weights };
}

/**
 * A learner initializer run in this very realm, as a LearnerSource: for trusted code only (the engine's own
 * tests, reference answers in widgets). Learners' code goes through a separate realm.
 */
export function inProcessLearner(init: LearnerInitializer): LearnerSource {
  return function* (job) {
    yield { type: 'learner-ready' } satisfies FromLearner;
    yield* initializerMessages(init, job, tf);
  };
}

/** The clock of a learner channel: the time limit once the realm is ready, and how long it may take to get ready. */
interface ChannelLimits {
  timeLimitMs: number;
  startLimitMs?: number;
  onInitLayer?: (layer: LayerInfo, network: number) => void;
}

/**
 * Reads a realm's messages as they come (the realm runs ahead of the grading), checks each one, keeps the
 * clock, and hands out one network's weights at a time.
 */
class LearnerChannel {
  private readonly iterator: Iterator<unknown> | AsyncIterator<unknown>;
  private readonly queue: FromLearner[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: { network: number; layer: number } | undefined;
  private readonly clock = new InitializerClock();

  private readonly startLimitMs: number;

  constructor(
    messages: AsyncIterable<unknown> | Iterable<unknown>,
    /** The networks the realm was asked for, in order: their names and layers name a time-out's place. */
    private readonly networks: ReadonlyArray<{ name: string; layers: LayerInfo[] }>,
    private readonly options: ChannelLimits,
  ) {
    this.startLimitMs = options.startLimitMs ?? 120_000;
    this.iterator = Symbol.asyncIterator in messages
      ? (messages as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (messages as Iterable<unknown>)[Symbol.iterator]();
    this.timer = setTimeout(() => this.fail(new Error(`the learner's realm did not start within ${this.startLimitMs / 1000} s`)), this.startLimitMs);
    void this.pump();
  }

  /** The validated weights of every layer of `network`, in order; throws LearnerError for the learner's failures. */
  async weights(network: number, layers: LayerInfo[]): Promise<Float32Array[]> {
    const weights: Float32Array[] = [];
    while (weights.length < layers.length) {
      const message = await this.next();
      const expected = layers[weights.length];
      switch (message.type) {
        case 'learner-ready':
        case 'layer-start':
          break;
        case 'weights':
          if (message.network !== network || message.layer !== expected.index) {
            throw new LearnerError('threw', `the learner's realm sent the weights of network ${message.network + 1}, layer ${message.layer} where ${layerLabel(expected)} was due`, expected.index);
          }
          weights.push(validateLayerWeights(message.values, expected));
          break;
        case 'learner-error':
          throw new LearnerError(message.kind, message.message, message.layer ?? this.current?.layer);
        case 'learner-done':
          throw new LearnerError('threw', `the learner's realm finished without the weights of ${layerLabel(expected)}`, expected.index);
      }
    }
    return weights;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    try {
      void Promise.resolve(this.iterator.return?.()).catch(() => undefined);
    } catch {
      // A realm that is already gone has nothing left to stop.
    }
  }

  private async next(): Promise<FromLearner> {
    for (;;) {
      const message = this.queue.shift();
      if (message) return message;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  private push(message: FromLearner): void {
    this.queue.push(message);
    this.wake?.();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.close();
    this.wake?.();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.closed) {
        const step = await this.iterator.next();
        if (this.closed) return;
        if (step.done) {
          this.fail(new LearnerError('threw', "the learner's realm stopped without finishing", this.current?.layer));
          return;
        }
        const message = parseFromLearner(step.value);
        if (!message) {
          this.fail(new LearnerError('threw', "the learner's realm sent a message that is not part of the protocol", this.current?.layer));
          return;
        }
        this.observe(message);
        this.push(message);
        if (message.type === 'learner-error' || message.type === 'learner-done') return;
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The clock: the start limit until learner-ready, then the learner's limit until learner-done or an error. */
  private observe(message: FromLearner): void {
    const { options } = this;
    if (message.type === 'learner-ready') {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.onTimeout(), options.timeLimitMs);
    } else if (message.type === 'layer-start') {
      this.current = { network: message.network, layer: message.layer };
      this.clock.layerStarted(message.network);
      const info = this.networks[message.network]?.layers[message.layer - 1];
      if (info) options.onInitLayer?.(info, message.network);
    } else if (message.type === 'weights') {
      this.clock.layerReturned(message.network);
    } else if (message.type === 'learner-done' || message.type === 'learner-error') {
      clearTimeout(this.timer);
    }
  }

  private onTimeout(): void {
    const { options, current } = this;
    const network = current && this.networks[current.network];
    const where = current && {
      network: this.networks.length > 1 ? network?.name : undefined, layer: current.layer, layerName: network?.layers[current.layer - 1]?.name,
      pace: this.clock.paceOf(current.network, network?.layers.length ?? 0),
    };
    this.fail(new LearnerError('timeout', timeoutMessage(options.timeLimitMs, where), current?.layer));
  }
}

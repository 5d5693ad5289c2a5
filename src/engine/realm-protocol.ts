/**
 * The one wire protocol between the grader and the learner's realm, in Node and in the browser.
 *
 * The learner's code runs in a realm that shares nothing with the engine and the grader (Node: a worker
 * thread evaluating it in a `vm` context; browser: a learner Web Worker inside the sandbox frame). The
 * grader sends one `LearnerJob`; the realm answers with a stream of `FromLearner` messages. The only
 * things that cross back are each layer's weights (a transferred Float32Array) and a learner error.
 * Everything that comes back is untrusted data: the receiver checks it with `parseFromLearner` and
 * validates the weights again before using them.
 *
 * Pure: no DOM, no Node built-ins.
 */
import type { LearnerErrorKind } from './learner-api';
import type { LayerInfo } from './types';

/** Grader → learner realm, once. */
export interface LearnerJob {
  type: 'job';
  /** The learner's file compiled to CommonJS JavaScript. */
  compiledJs: string;
  /** How the file is named in messages ("your code" in the browser, the path in the CLI). */
  file: string;
  /** Seeds the learner's `random` (one stream per network, derived from this). */
  seed: number;
  /** Every network of the exercise, in order, with its weight layers (plain data). */
  networks: Array<{
    name: string;
    layers: LayerInfo[];
    /** The network's inputs x ~ N(inputMean, inputStd²) (default 0, 1), for `layerInputs()` (see layer-inputs.ts). */
    inputMean?: number;
    inputStd?: number;
  }>;
}

/** Learner realm → grader. */
export type FromLearner =
  /** The realm is up and is about to load the learner's file: the time limit starts now. */
  | { type: 'learner-ready' }
  /** The initializer is about to be called for this layer (names the layer if time runs out). */
  | { type: 'layer-start'; network: number; layer: number }
  /** One layer's weights, row-major in the layer's shape; the buffer is transferred. */
  | { type: 'weights'; network: number; layer: number; values: Float32Array }
  /** The learner's code was rejected: it threw, returned the wrong thing, or did not load. */
  | { type: 'learner-error'; kind: LearnerErrorKind; message: string; layer?: number }
  /** Every layer of every network has been sent. */
  | { type: 'learner-done' };

const LEARNER_ERROR_KINDS: ReadonlySet<string> = new Set<LearnerErrorKind>([
  'shape', 'dtype', 'length', 'non-finite', 'threw', 'timeout', 'memory', 'not-a-function', 'async', 'compile',
]);

const isIndex = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * What learner code meets when it touches `WebAssembly` (browser and Node realms alike). The engine's own kernel
 * (random.orthogonal) keeps a reference taken before learner code runs; the learner's code gets none, because a
 * WebAssembly memory is not counted by the browser runner's allocation limit (memory-budget.ts).
 */
export const WEBASSEMBLY_UNAVAILABLE = "WebAssembly is not available to initializers (its memory would bypass the runner's memory limit); write the initializer in TypeScript";

/**
 * Checks a message from the learner realm field by field and returns a fresh copy built from its
 * primitive fields (so no getter or prototype of the sender's is kept), or null for anything that is not
 * exactly one of the `FromLearner` messages.
 */
export function parseFromLearner(data: unknown): FromLearner | null {
  if (data === null || typeof data !== 'object') return null;
  const message = data as Record<string, unknown>;
  switch (message.type) {
    case 'layer-start':
      return isIndex(message.network) && isIndex(message.layer) ? { type: 'layer-start', network: message.network, layer: message.layer } : null;
    case 'weights':
      return isIndex(message.network) && isIndex(message.layer) && message.values instanceof Float32Array
        ? { type: 'weights', network: message.network, layer: message.layer, values: message.values }
        : null;
    case 'learner-error': {
      if (typeof message.kind !== 'string' || !LEARNER_ERROR_KINDS.has(message.kind) || typeof message.message !== 'string') return null;
      const layer = message.layer === undefined ? undefined : isIndex(message.layer) ? message.layer : null;
      if (layer === null) return null;
      return { type: 'learner-error', kind: message.kind as LearnerErrorKind, message: plainLine(message.message), layer };
    }
    case 'learner-ready':
      return { type: 'learner-ready' };
    case 'learner-done':
      return { type: 'learner-done' };
    default:
      return null;
  }
}

/**
 * A learner's error message as one plain line of at most 2000 characters: text the learner controls (what its
 * code threw) must not start lines of its own ("PASS: …") or carry terminal escapes into a report.
 */
function plainLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.slice(0, 2000).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/**
 * How far the initializer had got in the network it was filling when time ran out, timed by the grader.
 * `returnedMs` is the time from the network's first layer-start to its last returned layer.
 */
export interface InitializerPace {
  returnedLayers: number;
  returnedMs: number;
  /** How long the layer it was still working on had run. */
  currentMs: number;
  totalLayers: number;
}

/**
 * The clock of the network an initializer is filling, for a time-out that tells slow code from a stuck layer.
 * The grader (submission.ts) and the page (run-attempt.ts, which also stops a run) both keep one.
 */
export class InitializerClock {
  private network = -1;
  private startedAt = 0;
  private returnedLayers = 0;
  private lastReturnedAt = 0;
  private layerStartedAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The initializer was asked for a layer of `network` (a new network restarts the clock). */
  layerStarted(network: number): void {
    const now = this.now();
    if (network !== this.network) {
      this.network = network;
      this.startedAt = this.lastReturnedAt = now;
      this.returnedLayers = 0;
    }
    this.layerStartedAt = now;
  }

  /** The initializer returned a layer of `network`. */
  layerReturned(network: number): void {
    if (network !== this.network) return;
    this.returnedLayers++;
    this.lastReturnedAt = this.now();
  }

  /** The pace so far, if `network` is the one being filled. */
  paceOf(network: number, totalLayers: number): InitializerPace | undefined {
    if (network !== this.network) return undefined;
    const now = this.now();
    return { returnedLayers: this.returnedLayers, returnedMs: this.lastReturnedAt - this.startedAt, currentMs: now - this.layerStartedAt, totalLayers };
  }
}

/**
 * A layer that has run this many times as long as the mean of the layers before it is not slow like them: it is
 * stuck (a layer of the same code takes about the mean, so at the time-out it has run for at most about 1× the mean).
 */
const STUCK_FACTOR = 3;

/** The one wording of a time-out, wherever the initializer was when time ran out. */
export function timeoutMessage(
  limitMs: number,
  where: { network?: string; layer?: number; layerName?: string; pace?: InitializerPace } | undefined,
): string {
  const seconds = formatDuration(limitMs);
  if (!where || where.layer === undefined) return `stopped after the time limit of ${seconds} before your initializer returned any layer: too slow, or an endless loop`;
  const name = where.layerName ? ` (${where.layerName})` : '';
  const net = where.network ? `${where.network}: ` : '';
  const head = `${net}your initializer was still working on layer ${where.layer}${name} after ${seconds}`;
  const pace = where.pace;
  if (!pace || pace.returnedLayers === 0) {
    if (where.layer > 1) return `${head}, with the layers before it returned: too slow for this network, or stuck on this layer`;
    return `${head}: too slow, or an endless loop`;
  }
  const perLayerMs = pace.returnedMs / pace.returnedLayers;
  const before = pace.returnedLayers === 1 ? 'the layer before it' : `the ${pace.returnedLayers} layers before it`;
  if (pace.currentMs > STUCK_FACTOR * perLayerMs) {
    return `${head}: that layer had run for ${formatDuration(pace.currentMs)}, while ${before} took ${formatDuration(perLayerMs)}${pace.returnedLayers === 1 ? '' : ' each'}: an endless loop, or far more work on this layer than on those before it`;
  }
  return `${head}: too slow. It returned ${pace.returnedLayers} layer${pace.returnedLayers === 1 ? '' : 's'} in ${formatDuration(pace.returnedMs)} (${formatDuration(perLayerMs)} a layer), so all ${pace.totalLayers} layers would take about ${formatDuration(perLayerMs * pace.totalLayers)}`;
}

/** 60 s, 1.5 s, 0.25 s, 3 ms, 0.004 ms: enough digits to tell a slow layer from a fast one. */
function formatDuration(ms: number): string {
  if (ms >= 100_000) return `${Math.round(ms / 1000)} s`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10} s`;
  if (ms >= 100) return `${Math.round(ms / 10) / 100} s`;
  if (ms >= 1) return `${Math.round(ms)} ms`;
  return `${Number(ms.toPrecision(1))} ms`;
}

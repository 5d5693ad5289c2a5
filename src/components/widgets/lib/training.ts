/**
 * The training widget's model: the init choices as engine initializer references, the worker protocol,
 * and the network each setting trains. Shared by the widget (main thread) and its worker.
 */
import type { InitializerRef } from '~/engine/initializers';
import { classifierMlp } from '~/engine/train-networks';
import type { LayerTrainStats, TrainPoint } from '~/engine/train';
import type { Activation, NetworkSpec } from '~/engine/types';
import { recommendedGain } from '~/engine/variance-scaling';

export type TrainInit = 'zeros' | 'small' | 'large' | 'lecun' | 'he' | 'orthogonal' | 'yours';
export const TRAIN_INITS: readonly TrainInit[] = ['zeros', 'small', 'large', 'lecun', 'he', 'orthogonal', 'yours'];
export const TRAIN_INIT_LABELS: Record<TrainInit, string> = {
  zeros: 'zeros',
  small: 'N(0, 0.01²)',
  large: 'N(0, 1)',
  lecun: 'LeCun: Var = 1/fan_in',
  he: 'He: Var = 2/fan_in',
  orthogonal: 'orthogonal × gain',
  yours: 'yours',
};

/** "yours" is the learner's saved code of this exercise, run in the runner's sandbox for the widget's network. */
export const YOURS_EXERCISE = { id: 'train-deep-relu', title: 'Train a 12-layer ReLU network on handwritten digits', href: 'lessons/04-relu-he/#exercise-train-deep-relu' };
/** How long the learner's initializer may take to return every layer of the widget's network. */
export const YOURS_TIME_LIMIT_MS = 20_000;

export type TrainDatasetName = 'digits' | 'spirals';
export type TrainActivation = Extract<Activation, 'relu' | 'tanh'>;

export interface TrainSettings {
  dataset: TrainDatasetName;
  depth: number;
  width: number;
  activation: TrainActivation;
  residual: boolean;
  steps: number;
  batch: number;
  learningRate: number;
  seed: number;
}

/**
 * The engine initializer of a choice; orthogonal gets the activation's recommended gain (√2 for ReLU, 5/3 for
 * tanh). "yours" has none: its weights come from the learner's code, through the runner.
 */
export function initializerOf(init: Exclude<TrainInit, 'yours'>, activation: TrainActivation): InitializerRef {
  switch (init) {
    case 'zeros': return { name: 'zeros' };
    case 'small': return { name: 'normal', std: 0.01 };
    case 'large': return { name: 'normal', std: 1 };
    case 'lecun': return { name: 'lecun_normal' };
    case 'he': return { name: 'he_normal' };
    case 'orthogonal': return { name: 'orthogonal', gain: recommendedGain(activation) };
  }
}

export function trainingNetwork(settings: Pick<TrainSettings, 'dataset' | 'depth' | 'width' | 'activation' | 'residual'>): NetworkSpec {
  const digits = settings.dataset === 'digits';
  const { depth, width, activation, residual } = settings;
  return classifierMlp({ depth, width, activation, residual, inputSize: digits ? 64 : 2, classes: digits ? 10 : 3 });
}

/** Side of the square grid the spirals' decision boundary is evaluated on, over [−BOUNDARY_EXTENT, BOUNDARY_EXTENT]² (standardized units). */
export const BOUNDARY_GRID = 64;
export const BOUNDARY_EXTENT = 2.5;

export function boundaryGrid(): Float32Array {
  const grid = new Float32Array(BOUNDARY_GRID * BOUNDARY_GRID * 2);
  for (let row = 0; row < BOUNDARY_GRID; row++) {
    for (let col = 0; col < BOUNDARY_GRID; col++) {
      const i = row * BOUNDARY_GRID + col;
      grid[2 * i] = -BOUNDARY_EXTENT + (2 * BOUNDARY_EXTENT * (col + 0.5)) / BOUNDARY_GRID;
      grid[2 * i + 1] = BOUNDARY_EXTENT - (2 * BOUNDARY_EXTENT * (row + 0.5)) / BOUNDARY_GRID;
    }
  }
  return grid;
}

export type ToTrainWorker =
  | { type: 'train'; runId: number; settings: TrainSettings; inits: TrainInit[] }
  /** The weights of "yours" for this run's network (checked by the runner), or why there are none; "yours" trains last and waits for this. */
  | { type: 'yours'; runId: number; weights: Float32Array[] }
  | { type: 'yours-failed'; runId: number; message: string }
  | { type: 'stop'; runId: number };

export interface InitOutcome {
  init: TrainInit;
  /** "yours" only: why it did not train (the learner's code threw, timed out, returned NaN, …). */
  failed?: string;
  steps: number;
  diverged?: { step: number; loss: number };
  stopped: boolean;
  wallMs: number;
  predictions?: Int32Array;
}

export type FromTrainWorker =
  | { type: 'backend'; backend: string }
  | { type: 'point'; runId: number; init: TrainInit; point: TrainPoint }
  | { type: 'init-done'; runId: number; outcome: InitOutcome }
  | { type: 'done'; runId: number; stopped: boolean }
  | { type: 'error'; runId: number; message: string };

export type { LayerTrainStats, TrainPoint };

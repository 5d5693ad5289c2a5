/**
 * The engine types the runner passes through unchanged (plain data, structured-cloneable).
 */
export type { LayerInfo, LayerStats, LabResult, Verdict } from '../engine/types';
export type { TrainedNetwork } from '../engine/submission';
export type { TrainPoint } from '../engine/train';
/** The exercise as the UI loaded it: exercise.json parsed by the engine's schema. */
export type { Exercise as RunnableExercise } from '../engine/exercise-schema';
export type { SubmissionCheck } from '../engine/submission';
export type { DatasetName } from '../engine/datasets';

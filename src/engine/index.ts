/**
 * The engine's public API (uses TF.js; lesson widgets import the pure modules directly instead:
 * networks.ts, variance-scaling.ts, random.ts, theory.ts, initializers.ts, types.ts).
 */
export * from './types';
export { mlp, alexnet, weightLayers, describeLayers, countWeights, convOutputSize, LEAKY_RELU_SLOPE, ACTIVATIONS } from './networks';
export type { MlpOptions, AlexNetOptions, LayerRow } from './networks';
export { createRandom, type Random } from './random';
export * from './variance-scaling';
export { INITIALIZER_NAMES, resolveInitializer, sampleInitializer } from './initializers';
export type { InitializerName, InitializerRef, ResolvedInitializer } from './initializers';
export { runLab, initializeWeights, drawWeightTensors, prepareWeights, summarizeWeights, activationStats, labRandomStreams, SATURATION_LEVEL } from './lab';
export type { RunLabOptions, PreparedWeights } from './lab';
export { grade, checkWeightsOnly, verdictOf } from './grading';
export { formatNumber, formatPercent } from './format';
export type { GradingCriteria } from './grading';
export { meanField, finiteWidthBand, gaussianExpectation } from './theory';
export {
  LearnerError, callInitializer, evaluateInitializerModule, learnerRandom, layerLabel, validateLayerWeights,
} from './learner-api';
export type { InitTools, LearnerInitializer, LearnerRandom, Weights, LearnerErrorKind } from './learner-api';
export {
  exerciseSchema, criteriaSchema, networkRefSchema, initializerRefSchema, parseExercise, parseExerciseJson, resolveNetwork,
  ExerciseSpecError,
} from './exercise-schema';
export type { Exercise, Criteria, CriteriaInput, NetworkRef, SpecIssue } from './exercise-schema';
export { runExercise, checkExercise } from './exercise-run';
export type { ExerciseOutcome, ExerciseRunOptions, ExerciseFolder, AnswerGrader, AnswerCheck, ExerciseCheckReport, ExerciseProblem } from './exercise-run';
export { gradeSubmission, inProcessLearner, INITIALIZER_CHECK } from './submission';
export type { LearnerSource, LearnerJobSpec, SubmissionOptions, SubmissionReport, SubmissionCheck, CheckStatus, WeightCriterion } from './submission';
export { learnerMessages, initializerMessages } from './learner-realm';
export { parseFromLearner, timeoutMessage } from './realm-protocol';
export type { LearnerJob, FromLearner } from './realm-protocol';

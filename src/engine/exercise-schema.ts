/**
 * The exercise spec (exercises/<id>/exercise.json), validated with zod. Errors name the file, the field,
 * what was expected and what was found. Pure: no TF.js, no Node built-ins.
 */
import { z } from 'zod';
import { ACTIVATIONS } from './activations';
import { INITIALIZER_NAMES, type InitializerName } from './initializers';
import { alexnet, describeLayers, mlp } from './networks';
import type { NetworkSpec } from './types';

export const activationSchema = z.enum(ACTIVATIONS);
/** An activation function's name; the list is ACTIVATIONS (activations.ts). */
export type Activation = z.infer<typeof activationSchema>;
const activation = activationSchema;
const positiveInt = z.number().int().positive();

const mlpRef = z
  .object({
    preset: z.literal('mlp'),
    depth: positiveInt.optional(),
    width: positiveInt.optional(),
    widths: z.array(positiveInt).min(1).optional(),
    activation,
    negativeSlope: z.number().min(0).max(1).optional(),
    bias: z.boolean().optional(),
    residual: z.boolean().optional(),
    inputSize: positiveInt.optional(),
    inputMean: z.number().optional(),
    inputStd: z.number().positive().optional(),
    name: z.string().optional(),
  })
  .strict()
  .refine((m) => m.widths !== undefined || (m.depth !== undefined && m.width !== undefined), {
    message: 'an mlp needs either "widths" or both "depth" and "width"',
  });

const alexnetRef = z
  .object({
    preset: z.literal('alexnet'),
    inputSize: z.literal([224, 227]).optional(),
    classes: positiveInt.optional(),
  })
  .strict();

const layerSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dense'), units: positiveInt, activation, negativeSlope: z.number().min(0).max(1).optional(), bias: z.boolean().optional(), residual: z.boolean().optional(), name: z.string().optional() }).strict(),
  z.object({
    kind: z.literal('conv2d'), filters: positiveInt, kernel: positiveInt, stride: positiveInt.optional(),
    padding: z.union([z.literal('same'), z.literal('valid'), z.number().int().nonnegative()]).optional(),
    activation, negativeSlope: z.number().min(0).max(1).optional(), bias: z.boolean().optional(), name: z.string().optional(),
  }).strict(),
  z.object({ kind: z.literal('maxpool'), size: positiveInt, stride: positiveInt, name: z.string().optional() }).strict(),
  z.object({ kind: z.literal('flatten'), name: z.string().optional() }).strict(),
]);

const networkSpec = z.object({
  name: z.string().min(1), input: z.array(positiveInt).min(1), inputMean: z.number().optional(), inputStd: z.number().positive().optional(),
  layers: z.array(layerSpec).min(1),
}).strict();

export const networkRefSchema = z.union([mlpRef, alexnetRef, networkSpec]);
export type NetworkRef = z.infer<typeof networkRefSchema>;

export const initializerRefSchema = z.union([
  z.enum(INITIALIZER_NAMES as [InitializerName, ...InitializerName[]]).transform((name) => ({ name })),
  z
    .object({
      name: z.enum(INITIALIZER_NAMES as [InitializerName, ...InitializerName[]]),
      gain: z.number().positive().optional(),
      value: z.number().optional(),
      mean: z.number().optional(),
      std: z.number().positive().optional(),
      limit: z.number().positive().optional(),
      scale: z.number().positive().optional(),
      mode: z.enum(['fan_in', 'fan_out', 'fan_avg']).optional(),
      distribution: z.enum(['normal', 'truncated_normal', 'uniform']).optional(),
    })
    .strict(),
]);

const driftBand = z
  .object({
    /**
     * Largest allowed |log10(measured / expected)| of the variance at any layer, relative to layer 1.
     * Omit it to use the engine's band from finite-width theory (see grading.ts).
     */
    maxLog10Drift: z.number().positive().optional(),
  })
  .strict();

const forwardBand = driftBand.extend({
  /** The Var(y) every layer should have (e.g. 1), instead of the theory or layer 1. */
  target: z.number().positive().optional(),
}).strict();

/**
 * Training criterion: after the weight checks, the network (exercise.networks, each ending in a dense layer
 * with one unit per class) is trained from the answer's weights once per seed, and must reach
 * `minAccuracy` on the held-out split and/or a training loss ≤ `maxLoss` on every seed (see train-grading.ts).
 */
export const trainCriterionSchema = z
  .object({
    dataset: z.enum(['digits', 'spirals']),
    steps: positiveInt,
    batch: positiveInt,
    optimizer: z.enum(['sgd', 'adam']),
    /** SGD only: momentum (default 0.9). */
    momentum: z.number().min(0).max(1).optional(),
    learningRate: z.number().positive(),
    /** One training run per seed: each seed draws the batch order (the weights are the answer's, validated). */
    seeds: z.array(z.number().int().nonnegative()).min(1),
    minAccuracy: z.number().min(0).max(1).optional(),
    maxLoss: z.number().positive().optional(),
  })
  .strict()
  .refine((t) => t.minAccuracy !== undefined || t.maxLoss !== undefined, { message: 'a train criterion needs "minAccuracy", "maxLoss" or both' });
export type TrainCriterion = z.output<typeof trainCriterionSchema>;

export const criteriaSchema = z
  .object({
    /** Examples pushed through the network. */
    batch: positiveInt.default(64),
    /** Seed of the weights' sampler, the input batch and the loss projection when grading. */
    seed: z.number().int().nonnegative().default(1),
    /**
     * The initializer the exercise teaches. Used for the expected variance curve (infinite-width theory for
     * dense nets), for the weight checks and for "your std vs what the layer needs" in messages.
     * Omit it for open exercises: "needs" is then γ/√fan_in with the activation's recommended gain γ (variance-scaling.ts).
     */
    reference: initializerRefSchema.optional(),
    forward: forwardBand.optional(),
    backward: driftBand.optional(),
    /** Checks on the weights themselves, against `reference`. */
    weights: z
      .object({
        /**
         * Scientific tolerance of each layer's std, e.g. 0.01 for ±1 %; the grader adds the layer's sampling noise
         * (weight-tolerance.ts), so a correct answer fails with probability below 1e-4.
         */
        stdTolerance: z.number().positive().max(1),
        /** Also check the shape of the distribution (bounds of a uniform, tails of a normal). Default true. */
        distribution: z.boolean().default(true),
        /**
         * Valid initializers this exercise does not ask for: weights that match one get "that is <name>, <reason>"
         * instead of the plain failure (see alternatives.ts).
         */
        alternatives: z.array(z.object({ initializer: initializerRefSchema, reason: z.string().min(1) }).strict()).optional(),
      })
      .strict()
      .optional(),
    /** Fail an initializer whose units in a layer are all identical (no symmetry breaking). Default true. */
    symmetry: z.boolean().default(true),
    /** Largest allowed fraction of saturated tanh/sigmoid units at any layer. */
    maxSaturatedFraction: z.number().min(0).max(1).optional(),
    /** Largest allowed fraction of zero ReLU outputs at any layer. */
    maxDeadFraction: z.number().min(0).max(1).optional(),
    /** Train the network from the answer's weights and require it to learn (checked after the checks above). */
    train: trainCriterionSchema.optional(),
  })
  .strict();
export type Criteria = z.output<typeof criteriaSchema>;
export type CriteriaInput = z.input<typeof criteriaSchema>;

export const exerciseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id like "he-relu-50"'),
    title: z.string().min(1),
    lesson: z.string().regex(/^lessons\/[a-z0-9-]+$/, 'expected a lesson slug like "lessons/04-relu-he"'),
    summary: z.string().min(1),
    networks: z.array(networkRefSchema).min(1),
    criteria: criteriaSchema,
    timeLimitMs: positiveInt,
    hints: z.array(z.string().min(1)),
    wrongAnswers: z.array(z.object({ file: z.string().regex(/^wrong\/[^/]+\.ts$/, 'expected "wrong/<name>.ts"'), expect: z.string().min(1) }).strict()),
  })
  .strict();
export type Exercise = z.output<typeof exerciseSchema>;

/** One problem with a spec: the field it is about ("networks[0].depth"; none for the whole file) and what is wrong. */
export interface SpecIssue {
  field?: string;
  message: string;
}

export class ExerciseSpecError extends Error {
  /** The same problems as `issues`, one line each: "field: message". */
  readonly problems: string[];
  constructor(readonly file: string, readonly issues: SpecIssue[]) {
    const problems = issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message));
    super(`${file}: invalid exercise spec\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ExerciseSpecError';
    this.problems = problems;
  }
}

/** Validates parsed exercise.json content; throws ExerciseSpecError naming `file` and each bad field. */
export function parseExercise(json: unknown, file: string): Exercise {
  const result = exerciseSchema.safeParse(json);
  if (!result.success) throw new ExerciseSpecError(file, result.error.issues.flatMap((issue) => describeIssue(issue)));
  const exercise = result.data;
  const problems: SpecIssue[] = [];
  exercise.networks.forEach((ref, i) => {
    try {
      describeLayers(resolveNetwork(ref));
    } catch (error) {
      problems.push({ field: `networks[${i}]`, message: (error as Error).message });
    }
  });
  if (problems.length) throw new ExerciseSpecError(file, problems);
  return exercise;
}

/** Parses exercise.json text (JSON syntax errors are reported with the file name too). */
export function parseExerciseJson(text: string, file: string): Exercise {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExerciseSpecError(file, [{ message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return parseExercise(json, file);
}

/**
 * One line per problem: "field.path: what was expected". A value that matches none of a union's options (a
 * network reference, an initializer) is described by the option it comes closest to (fewest problems), so a
 * typo in an mlp's activation reads "networks[0].activation: Invalid option: expected one of …", not
 * "Invalid input".
 */
export function describeIssue(issue: z.core.$ZodIssue, parentPath: PropertyKey[] = []): SpecIssue[] {
  const path = [...parentPath, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = issue.errors.reduce((best, option) => (option.length < best.length ? option : best));
    if (closest.length > 0) return closest.flatMap((sub) => describeIssue(sub, path));
  }
  if (!path.length) return [{ message: issue.message }];
  return [{ field: path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, ''), message: issue.message }];
}

/** A network reference from an exercise (preset or full spec) as a NetworkSpec. */
export function resolveNetwork(ref: NetworkRef): NetworkSpec {
  if ('preset' in ref) {
    if (ref.preset === 'mlp') {
      const { preset: _preset, ...options } = ref;
      return mlp(options);
    }
    return alexnet({ inputSize: ref.inputSize, classes: ref.classes });
  }
  return ref as NetworkSpec;
}

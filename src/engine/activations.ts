/**
 * The activations the course knows, once: the exercise schema builds its zod enum from this list (and the
 * Activation type is inferred from that schema), the grader and the widgets take their names from here.
 * Pure and free of zod, so widgets can import it without the schema library.
 */
import type { Activation } from './exercise-schema';

export const ACTIVATIONS = ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid'] as const;

/** How the course names each activation in text. */
export const ACTIVATION_LABELS: Record<Activation, string> = {
  linear: 'linear', relu: 'ReLU', leaky_relu: 'leaky ReLU', tanh: 'tanh', sigmoid: 'sigmoid',
};

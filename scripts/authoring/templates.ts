/**
 * What `npm run new` writes. Each template is a complete, valid starting point: the scaffold tests
 * run `check:content` on freshly generated files, so a template that stops passing fails a test.
 */

export function lessonTemplate({ title, order }: { title: string; order: number }): string {
  return `---
title: ${JSON.stringify(title)}
description: ${JSON.stringify(`TODO: one sentence on what ${title.toLowerCase()} is about (shown in search results).`)}
order: ${order}
objectives:
  - ${JSON.stringify("TODO: what the learner can do after this lesson, e.g. derive the variance of a layer's output")}
prerequisites: []
minutes: 15
---
import { Aside } from '@astrojs/starlight/components';

TODO: open with the question this lesson answers.

## The idea

TODO: the derivation, one step per paragraph. Inline math looks like $\\mathrm{Var}[y] = n \\, \\mathrm{Var}[w] \\, \\mathrm{Var}[x]$;
a displayed formula:

$$
\\mathrm{Var}[w] = \\frac{1}{n_\\text{in}}
$$

<Aside type="tip">
  TODO: the one thing to remember.
</Aside>

## Check yourself

TODO: a question, or an exercise block (\`npm run new -- exercise <id> --lesson <this lesson's slug>\` adds one).
`;
}

export interface ExerciseTemplateOptions {
  id: string;
  title: string;
  /** Lesson collection id, e.g. "lessons/04-relu-he". */
  lesson: string;
}

/**
 * File name (relative to the exercise folder) → contents. A small ReLU net (20 × 128) graded against He
 * normal, forward and backward: it grades in about a second, the starter (std 0.01) vanishes and the
 * known-wrong LeCun answer vanishes too, more slowly. The instructor then changes network and criteria.
 */
export function exerciseFiles({ id, title, lesson }: ExerciseTemplateOptions): Record<string, string> {
  const spec = {
    id,
    title,
    lesson,
    summary: 'TODO: one sentence on what the learner does, shown under the title.',
    networks: [{ preset: 'mlp', depth: 20, width: 128, activation: 'relu' }],
    criteria: {
      batch: 64,
      seed: 1,
      reference: 'he_normal',
      forward: {},
      backward: {},
      symmetry: true,
    },
    timeLimitMs: 10000,
    hints: [
      'How many inputs does each unit sum over? That is layer.fanIn.',
      'A ReLU zeroes half of its inputs, so Var(W) must be 2 / fan_in: std = Math.sqrt(2 / layer.fanIn).',
    ],
    wrongAnswers: [{ file: 'wrong/lecun.ts', expect: 'vanishing' }],
  };
  return {
    'exercise.json': `${JSON.stringify(spec, null, 2)}\n`,
    'task.md': `TODO: the task, shown above the editor. For example:

A network of **20 dense layers, 128 units each, with ReLU** after every layer. Write \`init\` so that the
variance of the pre-activations stays roughly constant through all 20 layers, forward and backward:
$\\mathrm{Var}[y_l] \\approx \\mathrm{Var}[y_1]$.

Your function is called once per layer with a \`LayerInfo\` (\`shape\`, \`fanIn\`, \`fanOut\`, \`activation\`, …)
and returns the weights; \`random.normal(layer.shape, mean, std)\` draws them.
`,
    'starter.ts': `// Called once per weight layer. Return prod(layer.shape) weights.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  // TODO: which std keeps the variance constant through 20 ReLU layers?
  const std = 0.01;
  return random.normal(layer.shape, 0, std);
}
`,
    'solution.ts': `// He normal: Var(W) = 2 / fan_in, because a ReLU keeps half of the second moment.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(2 / layer.fanIn));
}
`,
    'wrong/lecun.ts': `// A known mistake: LeCun's Var(W) = 1 / fan_in ignores the ReLU, so the variance halves at every layer.
export default function init(layer: LayerInfo, { random }: InitTools): Weights {
  return random.normal(layer.shape, 0, Math.sqrt(1 / layer.fanIn));
}
`,
  };
}

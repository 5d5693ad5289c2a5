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

/** File name (relative to the exercise folder) → contents. Filled in once the engine's format lands. */
export function exerciseFiles(options: ExerciseTemplateOptions): Record<string, string> {
  throw new Error(`exercise template not written yet (${options.id})`);
}

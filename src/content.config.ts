import { defineCollection, z } from 'astro:content';
import { glob, type Loader, type LoaderContext } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import path from 'node:path';

/**
 * Lesson frontmatter on top of Starlight's (title, description, ...). Required for every page under
 * content/lessons/; other pages (landing page, instructor guide) may leave them out.
 */
const lessonFields = z.object({
  /** Position in the course, 1-based. */
  order: z.number().int().positive(),
  /** What the learner can do after the lesson; at least one. */
  objectives: z.array(z.string().min(1)).min(1),
  /** What the learner should know first (may be empty). */
  prerequisites: z.array(z.string().min(1)),
  /** Estimated minutes to work through the lesson. */
  minutes: z.number().int().positive(),
});

export type LessonFields = z.infer<typeof lessonFields>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(frontmatter)';
      return `  - field \`${field}\`: ${issue.message}`;
    })
    .join('\n');
}

/**
 * Loads every page under content/ (files starting with `_` are skipped, as Starlight's docsLoader does),
 * and also checks the lesson fields of pages under lessons/
 * and fails with the file and the field when one is missing or malformed.
 */
function courseLoader(): Loader {
  const inner = glob({ pattern: '**/[^_]*.{md,mdx}', base: './content' });
  return {
    name: 'initlab-course-loader',
    load: (context: LoaderContext) =>
      inner.load({
        ...context,
        parseData: async (entry) => {
          if (entry.id.startsWith('lessons/')) {
            const checked = lessonFields.safeParse(entry.data);
            if (!checked.success) {
              const file = entry.filePath ? path.relative(process.cwd(), entry.filePath) : entry.id;
              throw new Error(`Invalid lesson frontmatter in ${file}:\n${describeIssues(checked.error)}`);
            }
          }
          return context.parseData(entry);
        },
      }),
  };
}

export const collections = {
  docs: defineCollection({
    loader: courseLoader(),
    schema: docsSchema({ extend: lessonFields.partial() }),
  }),
};

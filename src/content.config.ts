import { defineCollection } from 'astro:content';
import { glob, type Loader, type LoaderContext } from 'astro/loaders';
import path from 'node:path';
// The frontmatter schema lives in one module shared with `npm run check:content`.
import { describeFrontmatterIssues, isLessonEntry, lessonFields, pageSchema, unknownFrontmatterKeys } from './site/page-schema';

export type { LessonFields } from './site/page-schema';

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
          const unknown = unknownFrontmatterKeys(entry.data);
          if (unknown.length > 0) {
            const file = entry.filePath ? path.relative(process.cwd(), entry.filePath) : entry.id;
            throw new Error(`Invalid frontmatter in ${file}:\n${unknown.map(({ field, message }) => `  - field \`${field}\`: ${message}`).join('\n')}`);
          }
          if (isLessonEntry(entry.id)) {
            const checked = lessonFields.safeParse(entry.data);
            if (!checked.success) {
              const file = entry.filePath ? path.relative(process.cwd(), entry.filePath) : entry.id;
              const lines = describeFrontmatterIssues(checked.error).map((line) => `  - ${line}`);
              throw new Error(`Invalid lesson frontmatter in ${file}:\n${lines.join('\n')}`);
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
    schema: pageSchema,
  }),
};

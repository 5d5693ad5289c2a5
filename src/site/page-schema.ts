/**
 * The frontmatter schema of every page under content/: Starlight's own (title, description, ...)
 * extended with the lesson fields. One schema, two users: the site's content collection
 * (src/content.config.ts) and `npm run check:content` (scripts/check-content.ts), so an instructor
 * gets the same verdict from both.
 */
import { z } from 'astro/zod';
import { docsSchema } from '@astrojs/starlight/schema';

/** Fields every page under content/lessons/ must have; other pages (landing page, guide) may omit them. */
export const lessonFields = z.object({
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

/** Starlight's page schema with the lesson fields optional; pass the content-collection context. */
export const pageSchema = docsSchema({ extend: lessonFields.partial() });

/** True for collection entry ids (or paths relative to content/) of lesson pages. */
export function isLessonEntry(id: string): boolean {
  return id.startsWith('lessons/');
}

export interface FrontmatterIssue {
  /** Dotted path of the field, e.g. "objectives.0", or "(frontmatter)" for the whole block. */
  field: string;
  /** What was expected and what was found, e.g. "expected number, found string". */
  message: string;
}

export function frontmatterIssues(error: z.ZodError): FrontmatterIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(frontmatter)';
    if (issue.code === 'invalid_type') {
      const found = issue.received === 'undefined' ? 'nothing (the field is missing)' : issue.received;
      return { field, message: `expected ${issue.expected}, found ${found}` };
    }
    return { field, message: issue.message };
  });
}

/** One line per issue, e.g. "field `order`: expected number, found string". */
export function describeFrontmatterIssues(error: z.ZodError): string[] {
  return frontmatterIssues(error).map(({ field, message }) => `field \`${field}\`: ${message}`);
}

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
  /**
   * Position in the course. Lessons are numbered by rank of `order` (src/site/lesson-numbers.ts), so any
   * increasing positive numbers work: `order: 4.5` inserts a lesson between 4 and 5 without renumbering.
   */
  order: z.number().positive(),
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

/** The top-level keys a zod schema accepts (objects, intersections, effects, unions, optional wrappers). */
function acceptedKeys(schema: z.ZodTypeAny): string[] {
  const def = schema._def as { typeName?: string; left?: z.ZodTypeAny; right?: z.ZodTypeAny; schema?: z.ZodTypeAny; options?: z.ZodTypeAny[]; innerType?: z.ZodTypeAny };
  switch (def.typeName) {
    case 'ZodObject': return Object.keys((schema as z.AnyZodObject).shape);
    case 'ZodIntersection': return [...acceptedKeys(def.left!), ...acceptedKeys(def.right!)];
    case 'ZodEffects': return acceptedKeys(def.schema!);
    case 'ZodUnion': return def.options!.flatMap(acceptedKeys);
    case 'ZodOptional': case 'ZodDefault': case 'ZodNullable': return acceptedKeys(def.innerType!);
    default: return [];
  }
}

/** Every frontmatter key a page may have: Starlight's own and the lesson fields. */
export const KNOWN_FRONTMATTER_KEYS: readonly string[] = [
  ...new Set(acceptedKeys(pageSchema({ image: () => z.string() } as unknown as Parameters<typeof pageSchema>[0]) as z.ZodTypeAny)),
];

/**
 * Keys Starlight's schema would drop silently (a misspelt optional field, `descripton:`), each with the
 * known key it most likely means: "unknown field; did you mean `description`?".
 */
export function unknownFrontmatterKeys(frontmatter: Record<string, unknown>, known: readonly string[] = KNOWN_FRONTMATTER_KEYS): FrontmatterIssue[] {
  return Object.keys(frontmatter)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const closest = closestKey(key, known);
      const suggestion = closest ? `; did you mean \`${closest}\`?` : `; known fields: ${known.map((k) => `\`${k}\``).join(', ')}`;
      return { field: key, message: `unknown field${suggestion}` };
    });
}

/** The known key within edit distance ⌈length/3⌉ (at least 2) of `key`, the nearest one; undefined if none. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

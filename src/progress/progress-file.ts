/**
 * The progress file a learner downloads with "Export progress" and loads with "Import progress":
 * its zod schema and a parser whose errors say what is wrong and where. Imported lazily (only when a
 * learner imports a file), so zod never ships with the small progress script on every page.
 */
import { z } from 'zod';

export const EXPORT_FORMAT = 'initlab-progress';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO date-time' });

const exerciseEntrySchema = z
  .object({
    status: z.enum(['attempted', 'passed']),
    attempts: z.number().int().min(0),
    passedAt: isoTime.optional(),
    lastRunAt: isoTime.optional(),
    lastMessage: z.string().optional(),
    code: z.string().optional(),
    codeSavedAt: isoTime.optional(),
  })
  .strict();

const quizEntrySchema = z
  .object({
    attempts: z.number().int().min(0),
    correct: z.boolean(),
    correctAt: isoTime.optional(),
    lastAnswer: z.string().optional(),
    lastAnsweredAt: isoTime.optional(),
    revealed: z.boolean().optional(),
  })
  .strict();

export const progressExportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: isoTime,
  exercises: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'exercise ids are lower-case letters, digits and dashes'), exerciseEntrySchema),
  /** Quiz questions by id; absent in files exported before quizzes existed. */
  quizzes: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'question ids are lower-case letters, digits and dashes'), quizEntrySchema).optional(),
});
export type ProgressExport = z.infer<typeof progressExportSchema>;

export class ProgressImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgressImportError';
  }
}

/** Parses and validates an export file's text; throws ProgressImportError naming the field that is wrong. */
export function parseProgressFile(text: string): ProgressExport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProgressImportError(`This file is not JSON (${(error as Error).message}). Nothing was imported.`);
  }
  const parsed = progressExportSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? issue.path.map(String).join('.') : 'the file';
  const isOurs = !!json && typeof json === 'object' && (json as { format?: unknown }).format === EXPORT_FORMAT;
  const lead = isOurs ? 'This progress file is damaged' : 'This is not an initlab progress file';
  throw new ProgressImportError(`${lead}: ${where}: ${issue.message}. Nothing was imported.`);
}

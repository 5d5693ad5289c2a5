/**
 * The learner's saved work and progress, kept in the page's localStorage (never in the runner's
 * sandbox, which has no storage).
 *
 * Two kinds of keys, so that a damaged progress record can never take the learner's code with it:
 *   initlab:code:<exerciseId>  → { v, code, savedAt }        (one per exercise)
 *   initlab:progress           → { v, exercises: { [id]: { status, attempts, ... } } }
 *
 * Every record carries a schema version `v`. Older shapes are upgraded on read; data that cannot be
 * read at all is copied to an `initlab:backup:...` key before anything overwrites it.
 */
import { z } from 'zod';

export const STORAGE_SCHEMA_VERSION = 1;
export const EXPORT_FORMAT = 'initlab-progress';

const CODE_PREFIX = 'initlab:code:';
const PROGRESS_KEY = 'initlab:progress';
const BACKUP_PREFIX = 'initlab:backup:';

/** The subset of the Web Storage API the store needs (so tests can pass an in-memory map). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

export type ExerciseStatus = 'attempted' | 'passed';

export interface ExerciseProgress {
  status: ExerciseStatus;
  attempts: number;
  /** ISO time of the first passing run. */
  passedAt?: string;
  /** ISO time of the latest run. */
  lastRunAt?: string;
  /** The verdict message of the latest run. */
  lastMessage?: string;
}

export interface SavedCode {
  code: string;
  /** ISO time. */
  savedAt: string;
}

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO date-time' });

const exerciseProgressSchema = z.object({
  status: z.enum(['attempted', 'passed']),
  attempts: z.number().int().min(0),
  passedAt: isoTime.optional(),
  lastRunAt: isoTime.optional(),
  lastMessage: z.string().optional(),
});

const savedCodeSchema = z.object({ v: z.number().int(), code: z.string(), savedAt: isoTime });
const progressRecordSchema = z.object({ v: z.number().int(), exercises: z.record(z.string(), z.unknown()) });

const exerciseIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'exercise ids are lower-case letters, digits and dashes');

/** The file a learner downloads with "Export progress" and loads with "Import progress". */
export const progressExportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: isoTime,
  exercises: z.record(
    exerciseIdSchema,
    exerciseProgressSchema.extend({
      code: z.string().optional(),
      codeSavedAt: isoTime.optional(),
    }),
  ),
});
export type ProgressExport = z.infer<typeof progressExportSchema>;

export interface ImportSummary {
  exercises: number;
  /** Exercises whose code came from the file. */
  codeRestored: number;
  /** Exercises where the code on this device was newer and was kept (the file's copy went to a backup key). */
  codeKept: number;
}

export class ProgressImportError extends Error {}

export interface ProgressStore {
  loadCode(exerciseId: string): SavedCode | null;
  saveCode(exerciseId: string, code: string): void;
  /** Removes the saved code (used by "Reset to starter"); the removed code goes to a backup key first. */
  clearCode(exerciseId: string): void;
  getProgress(exerciseId: string): ExerciseProgress | null;
  allProgress(): Record<string, ExerciseProgress>;
  recordRun(exerciseId: string, passed: boolean, message: string): ExerciseProgress;
  exportProgress(): ProgressExport;
  /** Validates `text` as an export file and merges it in; throws ProgressImportError with a readable message. */
  importProgress(text: string): ImportSummary;
  /** Subscribe to changes made by this store or by another tab. Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export function createProgressStore(storage: KeyValueStorage, now: () => Date = () => new Date()): ProgressStore {
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());

  const backup = (key: string, raw: string) => {
    try {
      storage.setItem(`${BACKUP_PREFIX}${key}:${now().toISOString()}`, raw);
    } catch {
      // Storage full: nothing more we can do without destroying something else.
    }
  };

  const readCode = (exerciseId: string): SavedCode | null => {
    const key = CODE_PREFIX + exerciseId;
    const raw = storage.getItem(key);
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Not JSON: before schema versions, or written by hand. The text itself is the learner's code.
      return { code: raw, savedAt: new Date(0).toISOString() };
    }
    const record = savedCodeSchema.safeParse(parsed);
    if (record.success) return { code: record.data.code, savedAt: record.data.savedAt };
    // Unversioned { code } objects or a bare JSON string: keep whatever code is in there.
    if (typeof parsed === 'string') return { code: parsed, savedAt: new Date(0).toISOString() };
    if (parsed && typeof parsed === 'object' && typeof (parsed as { code?: unknown }).code === 'string') {
      return { code: (parsed as { code: string }).code, savedAt: new Date(0).toISOString() };
    }
    if (typeof parsed === 'number' || typeof parsed === 'boolean' || parsed === null) {
      return { code: raw, savedAt: new Date(0).toISOString() };
    }
    // JSON with no code in it: keep a copy, then behave as if nothing was saved.
    backup(key, raw);
    storage.removeItem(key);
    return null;
  };

  const writeCode = (exerciseId: string, code: string, savedAt: string) => {
    storage.setItem(CODE_PREFIX + exerciseId, JSON.stringify({ v: STORAGE_SCHEMA_VERSION, code, savedAt }));
  };

  const readProgress = (): Record<string, ExerciseProgress> => {
    const raw = storage.getItem(PROGRESS_KEY);
    if (raw === null) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      backup(PROGRESS_KEY, raw);
      storage.removeItem(PROGRESS_KEY);
      return {};
    }
    const record = progressRecordSchema.safeParse(parsed);
    if (!record.success) {
      backup(PROGRESS_KEY, raw);
      storage.removeItem(PROGRESS_KEY);
      return {};
    }
    // Keep every entry that still reads; an entry that does not is dropped from view but stays in a backup.
    const result: Record<string, ExerciseProgress> = {};
    let damaged = false;
    for (const [id, entry] of Object.entries(record.data.exercises)) {
      const ok = exerciseProgressSchema.safeParse(entry);
      if (ok.success) result[id] = ok.data;
      else damaged = true;
    }
    if (damaged) backup(PROGRESS_KEY, raw);
    return result;
  };

  const writeProgress = (exercises: Record<string, ExerciseProgress>) => {
    storage.setItem(PROGRESS_KEY, JSON.stringify({ v: STORAGE_SCHEMA_VERSION, exercises }));
  };

  const savedCodeIds = (): string[] => {
    const ids: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(CODE_PREFIX)) ids.push(key.slice(CODE_PREFIX.length));
    }
    return ids;
  };

  return {
    loadCode: readCode,

    saveCode(exerciseId, code) {
      writeCode(exerciseId, code, now().toISOString());
    },

    clearCode(exerciseId) {
      const raw = storage.getItem(CODE_PREFIX + exerciseId);
      if (raw !== null) backup(CODE_PREFIX + exerciseId, raw);
      storage.removeItem(CODE_PREFIX + exerciseId);
    },

    getProgress(exerciseId) {
      return readProgress()[exerciseId] ?? null;
    },

    allProgress: readProgress,

    recordRun(exerciseId, passed, message) {
      const all = readProgress();
      const previous = all[exerciseId];
      const time = now().toISOString();
      const next: ExerciseProgress = {
        status: passed || previous?.status === 'passed' ? 'passed' : 'attempted',
        attempts: (previous?.attempts ?? 0) + 1,
        passedAt: previous?.passedAt ?? (passed ? time : undefined),
        lastRunAt: time,
        lastMessage: message,
      };
      if (next.passedAt === undefined) delete next.passedAt;
      all[exerciseId] = next;
      writeProgress(all);
      notify();
      return next;
    },

    exportProgress() {
      const progress = readProgress();
      const ids = new Set([...Object.keys(progress), ...savedCodeIds()]);
      const exercises: ProgressExport['exercises'] = {};
      for (const id of [...ids].sort()) {
        if (!exerciseIdSchema.safeParse(id).success) continue;
        const entry = progress[id] ?? { status: 'attempted' as const, attempts: 0 };
        const saved = readCode(id);
        exercises[id] = { ...entry, ...(saved ? { code: saved.code, codeSavedAt: saved.savedAt } : {}) };
      }
      return { format: EXPORT_FORMAT, version: 1, exportedAt: now().toISOString(), exercises };
    },

    importProgress(text) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ProgressImportError(`This file is not JSON (${(error as Error).message}). Nothing was imported.`);
      }
      const parsed = progressExportSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue.path.length ? issue.path.join('.') : 'the file';
        const isOurs = json && typeof json === 'object' && (json as { format?: unknown }).format === EXPORT_FORMAT;
        const lead = isOurs ? 'This progress file is damaged' : 'This is not an initlab progress file';
        throw new ProgressImportError(`${lead}: ${where}: ${issue.message}. Nothing was imported.`);
      }
      const all = readProgress();
      const summary: ImportSummary = { exercises: 0, codeRestored: 0, codeKept: 0 };
      for (const [id, incoming] of Object.entries(parsed.data.exercises)) {
        summary.exercises++;
        const { code, codeSavedAt, ...entry } = incoming;
        const local = all[id];
        const passed = entry.status === 'passed' || local?.status === 'passed';
        const passedAtCandidates = [entry.passedAt, local?.passedAt].filter((t): t is string => !!t).sort();
        const merged: ExerciseProgress = {
          status: passed ? 'passed' : 'attempted',
          attempts: Math.max(entry.attempts, local?.attempts ?? 0),
          ...(passedAtCandidates[0] ? { passedAt: passedAtCandidates[0] } : {}),
          ...pickLatestRun(local, entry),
        };
        all[id] = merged;
        if (code !== undefined) {
          const localCode = readCode(id);
          const incomingTime = codeSavedAt ?? parsed.data.exportedAt;
          if (localCode === null || localCode.code === code) {
            writeCode(id, code, incomingTime);
            summary.codeRestored++;
          } else if (Date.parse(incomingTime) > Date.parse(localCode.savedAt)) {
            backup(CODE_PREFIX + id, storage.getItem(CODE_PREFIX + id) ?? '');
            writeCode(id, code, incomingTime);
            summary.codeRestored++;
          } else {
            backup(CODE_PREFIX + id, JSON.stringify({ v: STORAGE_SCHEMA_VERSION, code, savedAt: incomingTime }));
            summary.codeKept++;
          }
        }
      }
      writeProgress(all);
      notify();
      return summary;
    },

    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === null || event.key === PROGRESS_KEY) listener();
      };
      const hasWindow = typeof window !== 'undefined';
      if (hasWindow) window.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        if (hasWindow) window.removeEventListener('storage', onStorage);
      };
    },
  };
}

function pickLatestRun(a: ExerciseProgress | undefined, b: ExerciseProgress): Partial<ExerciseProgress> {
  const latest = [a, b]
    .filter((p): p is ExerciseProgress => !!p?.lastRunAt)
    .sort((x, y) => Date.parse(y.lastRunAt!) - Date.parse(x.lastRunAt!))[0];
  if (!latest) return {};
  return { lastRunAt: latest.lastRunAt, ...(latest.lastMessage !== undefined ? { lastMessage: latest.lastMessage } : {}) };
}

let browserStore: ProgressStore | null = null;

/** The store over window.localStorage, shared by every island on the page. */
export function browserProgressStore(): ProgressStore {
  if (!browserStore) browserStore = createProgressStore(window.localStorage);
  return browserStore;
}

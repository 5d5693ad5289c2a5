/**
 * The learner's saved work and progress, kept in the page's localStorage (never in the runner's
 * sandbox, which has no storage).
 *
 * Two kinds of keys, so that a damaged progress record can never take the learner's code with it:
 *   initlab:code:<exerciseId>  → { v, code, savedAt }        (one per exercise)
 *   initlab:progress           → { v, exercises: { [id]: { status, attempts, ... } } }
 *   initlab:quizzes            → { v, questions: { [questionId]: { attempts, correct, ... } } }
 *
 * Every record carries a schema version `v`. Older shapes are upgraded on read; data that cannot be
 * read at all is copied to an `initlab:backup:...` key before anything overwrites it.
 */
import type { ProgressExport } from './progress-file';

export const STORAGE_SCHEMA_VERSION = 1;
const EXPORT_FORMAT = 'initlab-progress' satisfies ProgressExport['format'];

const CODE_PREFIX = 'initlab:code:';
const PROGRESS_KEY = 'initlab:progress';
const QUIZ_KEY = 'initlab:quizzes';
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

/** A quiz question's record: attempts, whether it was ever answered correctly, the latest answer. */
export interface QuizProgress {
  attempts: number;
  /** True once any attempt was correct (a later wrong attempt does not undo it). */
  correct: boolean;
  /** ISO time of the first correct attempt. */
  correctAt?: string;
  /** What the learner gave last: the typed text, or the chosen option's number (1-based) as text. */
  lastAnswer?: string;
  /** ISO time of the latest attempt. */
  lastAnsweredAt?: string;
  /** True once the learner asked to see the answer. */
  revealed?: boolean;
}

/** The stored shape of one quiz question's progress, checked by hand (no zod on every page). */
export function isQuizProgress(value: unknown): value is QuizProgress {
  if (!value || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  return (
    Number.isInteger(p.attempts) &&
    (p.attempts as number) >= 0 &&
    typeof p.correct === 'boolean' &&
    (p.correctAt === undefined || isIsoTime(p.correctAt)) &&
    (p.lastAnswer === undefined || typeof p.lastAnswer === 'string') &&
    (p.lastAnsweredAt === undefined || isIsoTime(p.lastAnsweredAt)) &&
    (p.revealed === undefined || typeof p.revealed === 'boolean')
  );
}

export interface SavedCode {
  code: string;
  /** ISO time. */
  savedAt: string;
}

const isIsoTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** The stored shape of one exercise's progress, checked by hand (this module ships on every page; zod does not). */
export function isExerciseProgress(value: unknown): value is ExerciseProgress {
  if (!value || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  return (
    (p.status === 'attempted' || p.status === 'passed') &&
    Number.isInteger(p.attempts) &&
    (p.attempts as number) >= 0 &&
    (p.passedAt === undefined || isIsoTime(p.passedAt)) &&
    (p.lastRunAt === undefined || isIsoTime(p.lastRunAt)) &&
    (p.lastMessage === undefined || typeof p.lastMessage === 'string')
  );
}

function isSavedCodeRecord(value: unknown): value is { v: number; code: string; savedAt: string } {
  if (!value || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return Number.isInteger(r.v) && typeof r.code === 'string' && isIsoTime(r.savedAt);
}

function isProgressRecord(value: unknown): value is { v: number; exercises: Record<string, unknown> } {
  if (!value || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return Number.isInteger(r.v) && !!r.exercises && typeof r.exercises === 'object' && !Array.isArray(r.exercises);
}

const EXERCISE_ID = /^[a-z0-9][a-z0-9-]*$/;

export interface ImportSummary {
  exercises: number;
  /** Exercises whose code came from the file. */
  codeRestored: number;
  /** Exercises where the code on this device was newer and was kept (the file's copy went to a backup key). */
  codeKept: number;
  /** Quiz questions in the file. */
  questions: number;
}

export interface ProgressStore {
  loadCode(exerciseId: string): SavedCode | null;
  saveCode(exerciseId: string, code: string): void;
  /** Removes the saved code (used by "Reset to starter"); the removed code goes to a backup key first. */
  clearCode(exerciseId: string): void;
  getProgress(exerciseId: string): ExerciseProgress | null;
  allProgress(): Record<string, ExerciseProgress>;
  recordRun(exerciseId: string, passed: boolean, message: string): ExerciseProgress;
  getQuizProgress(questionId: string): QuizProgress | null;
  allQuizProgress(): Record<string, QuizProgress>;
  /** Records one checked answer to a quiz question. */
  recordQuizAttempt(questionId: string, correct: boolean, answer: string): QuizProgress;
  /** Records that the learner revealed the answer (after at least one attempt). */
  recordQuizReveal(questionId: string): QuizProgress;
  exportProgress(): ProgressExport;
  /** Merges a validated export file (see parseProgressFile in progress-file.ts) into this browser's progress. */
  importProgress(file: ProgressExport): ImportSummary;
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
    if (isSavedCodeRecord(parsed)) return { code: parsed.code, savedAt: parsed.savedAt };
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
    if (!isProgressRecord(parsed)) {
      backup(PROGRESS_KEY, raw);
      storage.removeItem(PROGRESS_KEY);
      return {};
    }
    // Keep every entry that still reads; an entry that does not is dropped from view but stays in a backup.
    const result: Record<string, ExerciseProgress> = {};
    let damaged = false;
    for (const [id, entry] of Object.entries(parsed.exercises)) {
      if (isExerciseProgress(entry)) result[id] = entry;
      else damaged = true;
    }
    if (damaged) backup(PROGRESS_KEY, raw);
    return result;
  };

  const writeProgress = (exercises: Record<string, ExerciseProgress>) => {
    storage.setItem(PROGRESS_KEY, JSON.stringify({ v: STORAGE_SCHEMA_VERSION, exercises }));
  };

  const readQuizzes = (): Record<string, QuizProgress> => {
    const raw = storage.getItem(QUIZ_KEY);
    if (raw === null) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const questions = parsed && typeof parsed === 'object' ? (parsed as { questions?: unknown }).questions : undefined;
    if (!questions || typeof questions !== 'object' || Array.isArray(questions)) {
      backup(QUIZ_KEY, raw);
      storage.removeItem(QUIZ_KEY);
      return {};
    }
    const result: Record<string, QuizProgress> = {};
    let damaged = false;
    for (const [id, entry] of Object.entries(questions)) {
      if (isQuizProgress(entry)) result[id] = entry;
      else damaged = true;
    }
    if (damaged) backup(QUIZ_KEY, raw);
    return result;
  };

  const writeQuizzes = (questions: Record<string, QuizProgress>) => {
    storage.setItem(QUIZ_KEY, JSON.stringify({ v: STORAGE_SCHEMA_VERSION, questions }));
  };

  const updateQuiz = (questionId: string, change: (previous: QuizProgress) => QuizProgress): QuizProgress => {
    const all = readQuizzes();
    const next = change(all[questionId] ?? { attempts: 0, correct: false });
    all[questionId] = next;
    writeQuizzes(all);
    notify();
    return next;
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

    getQuizProgress(questionId) {
      return readQuizzes()[questionId] ?? null;
    },

    allQuizProgress: readQuizzes,

    recordQuizAttempt(questionId, correct, answer) {
      return updateQuiz(questionId, (previous) => {
        const time = now().toISOString();
        const next: QuizProgress = { ...previous, attempts: previous.attempts + 1, correct: previous.correct || correct, lastAnswer: answer, lastAnsweredAt: time };
        if (correct && !previous.correctAt) next.correctAt = time;
        return next;
      });
    },

    recordQuizReveal(questionId) {
      return updateQuiz(questionId, (previous) => ({ ...previous, revealed: true }));
    },

    exportProgress() {
      const progress = readProgress();
      const ids = new Set([...Object.keys(progress), ...savedCodeIds()]);
      const exercises: ProgressExport['exercises'] = {};
      for (const id of [...ids].sort()) {
        if (!EXERCISE_ID.test(id)) continue;
        const entry = progress[id] ?? { status: 'attempted' as const, attempts: 0 };
        const saved = readCode(id);
        exercises[id] = { ...entry, ...(saved ? { code: saved.code, codeSavedAt: saved.savedAt } : {}) };
      }
      const quizzes = readQuizzes();
      return {
        format: EXPORT_FORMAT,
        version: 1,
        exportedAt: now().toISOString(),
        exercises,
        ...(Object.keys(quizzes).length ? { quizzes: Object.fromEntries(Object.entries(quizzes).filter(([id]) => EXERCISE_ID.test(id)).sort(([a], [b]) => a.localeCompare(b))) } : {}),
      };
    },

    importProgress(file) {
      const all = readProgress();
      const summary: ImportSummary = { exercises: 0, codeRestored: 0, codeKept: 0, questions: 0 };
      for (const [id, incoming] of Object.entries(file.exercises)) {
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
          const incomingTime = codeSavedAt ?? file.exportedAt;
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
      const quizzes = readQuizzes();
      for (const [id, incoming] of Object.entries(file.quizzes ?? {})) {
        summary.questions++;
        quizzes[id] = mergeQuizProgress(quizzes[id], incoming);
      }
      writeQuizzes(quizzes);
      notify();
      return summary;
    },

    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === null || event.key === PROGRESS_KEY || event.key === QUIZ_KEY) listener();
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

/** Merges two records of one question: correct if either is, the most attempts, the earliest success, the latest answer. */
function mergeQuizProgress(local: QuizProgress | undefined, incoming: QuizProgress): QuizProgress {
  if (!local) return { ...incoming };
  const correctAt = [local.correctAt, incoming.correctAt].filter((t): t is string => !!t).sort()[0];
  const latest = (incoming.lastAnsweredAt ?? '') > (local.lastAnsweredAt ?? '') ? incoming : local;
  const merged: QuizProgress = { attempts: Math.max(local.attempts, incoming.attempts), correct: local.correct || incoming.correct };
  if (correctAt) merged.correctAt = correctAt;
  if (latest.lastAnswer !== undefined) merged.lastAnswer = latest.lastAnswer;
  if (latest.lastAnsweredAt !== undefined) merged.lastAnsweredAt = latest.lastAnsweredAt;
  if (local.revealed || incoming.revealed) merged.revealed = true;
  return merged;
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

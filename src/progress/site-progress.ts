/**
 * Progress on every page (a tiny module script, no framework):
 * - a badge next to each sidebar link to a lesson that has exercises: not started, attempted or passed;
 * - on the landing page, the #progress-summary element: counts, one line per exercise, and
 *   Export / Import of progress as a JSON file.
 * The lesson ↔ exercise map comes from exercises/*\/exercise.json at build time.
 */
import QUIZ_QUESTIONS from 'virtual:initlab/quiz-questions';
import { browserProgressStore, type ExerciseProgress, type ProgressStore } from './store';

const lessonOf = import.meta.glob('/exercises/*/exercise.json', { eager: true, import: 'lesson' }) as Record<string, string>;
const titleOf = import.meta.glob('/exercises/*/exercise.json', { eager: true, import: 'title' }) as Record<string, string>;

export interface ExerciseEntry {
  id: string;
  title: string;
  /** e.g. "lessons/04-relu-he" */
  lesson: string;
}

export const EXERCISES: ExerciseEntry[] = Object.keys(lessonOf)
  .map((file) => ({ id: file.split('/').at(-2)!, title: titleOf[file] ?? file, lesson: lessonOf[file] }))
  .sort((a, b) => a.lesson.localeCompare(b.lesson) || a.id.localeCompare(b.id));

type LessonState = 'none' | 'attempted' | 'passed';

function lessonState(ids: string[], progress: Record<string, ExerciseProgress>): { state: LessonState; passed: number } {
  const passed = ids.filter((id) => progress[id]?.status === 'passed').length;
  const attempted = ids.some((id) => progress[id]);
  return { state: passed === ids.length ? 'passed' : attempted || passed > 0 ? 'attempted' : 'none', passed };
}

const BADGE_TEXT: Record<LessonState, string> = { none: '○', attempted: '◐', passed: '✓' };

function lessonSlugOfHref(href: string): string | null {
  const path = new URL(href, location.href).pathname.replace(/\/+$/, '');
  const match = path.match(/\/(lessons\/[^/]+)$/);
  return match ? match[1] : null;
}

export function decorateSidebar(store: ProgressStore, root: ParentNode = document): void {
  const progress = store.allProgress();
  const byLesson = new Map<string, string[]>();
  for (const e of EXERCISES) byLesson.set(e.lesson, [...(byLesson.get(e.lesson) ?? []), e.id]);
  const links = root.querySelectorAll<HTMLAnchorElement>('#starlight__sidebar a[href], nav.sidebar a[href], .sidebar-content a[href]');
  for (const link of links) {
    const slug = lessonSlugOfHref(link.getAttribute('href')!);
    const ids = slug ? byLesson.get(slug) : undefined;
    link.querySelector(':scope > .progress-badge')?.remove();
    if (!ids) continue;
    const { state, passed } = lessonState(ids, progress);
    const badge = document.createElement('span');
    badge.className = 'progress-badge';
    badge.dataset.state = state;
    const words =
      state === 'passed'
        ? ids.length === 1 ? 'exercise passed' : `all ${ids.length} exercises passed`
        : state === 'attempted'
          ? `${passed} of ${ids.length} exercise${ids.length === 1 ? '' : 's'} passed`
          : `${ids.length} exercise${ids.length === 1 ? '' : 's'}, not started`;
    badge.title = words;
    badge.innerHTML = `<span aria-hidden="true">${BADGE_TEXT[state]}</span><span class="sr-only"> (${words})</span>`;
    link.append(badge);
  }
}

export function renderSummary(store: ProgressStore, container: HTMLElement): void {
  const progress = store.allProgress();
  const passed = EXERCISES.filter((e) => progress[e.id]?.status === 'passed').length;
  const attempted = EXERCISES.filter((e) => progress[e.id]?.status === 'attempted').length;
  container.replaceChildren();
  container.classList.add('progress-summary--ready');

  const heading = document.createElement('h2');
  heading.textContent = 'Your progress';
  heading.id = 'progress-summary-title';
  const counts = document.createElement('p');
  counts.className = 'progress-summary__counts';
  counts.textContent = EXERCISES.length
    ? `${passed} of ${EXERCISES.length} exercise${EXERCISES.length === 1 ? '' : 's'} passed` +
      (attempted ? `, ${attempted} attempted but not passed yet.` : '.') +
      (passed + attempted === 0 ? ' Your progress and code are saved in this browser as you work.' : '')
    : 'There are no exercises in this build yet.';

  const quizProgress = store.allQuizProgress();
  const quizCorrect = QUIZ_QUESTIONS.filter((q) => quizProgress[q.id]?.correct).length;
  const quizAttempted = QUIZ_QUESTIONS.filter((q) => quizProgress[q.id] && !quizProgress[q.id].correct && quizProgress[q.id].attempts > 0).length;
  const quizCounts = document.createElement('p');
  quizCounts.className = 'progress-summary__counts progress-summary__quizzes';
  quizCounts.textContent = QUIZ_QUESTIONS.length
    ? `${quizCorrect} of ${QUIZ_QUESTIONS.length} quiz question${QUIZ_QUESTIONS.length === 1 ? '' : 's'} answered correctly` +
      (quizAttempted ? `, ${quizAttempted} attempted but not answered correctly yet.` : '.')
    : '';

  const list = document.createElement('ul');
  list.className = 'progress-summary__list';
  for (const exercise of EXERCISES) {
    const entry = progress[exercise.id];
    const state: LessonState = entry?.status ?? 'none';
    const item = document.createElement('li');
    item.dataset.state = state;
    const link = document.createElement('a');
    link.href = `/${exercise.lesson}/#exercise-${exercise.id}`;
    link.textContent = exercise.title;
    const status = document.createElement('span');
    status.className = 'progress-summary__status';
    status.textContent = state === 'passed' ? 'passed' : state === 'attempted' ? `attempted (${entry!.attempts} run${entry!.attempts === 1 ? '' : 's'})` : 'not started';
    const badge = document.createElement('span');
    badge.className = 'progress-badge';
    badge.dataset.state = state;
    badge.setAttribute('aria-hidden', 'true');
    badge.textContent = BADGE_TEXT[state];
    item.append(badge, ' ', link, ' — ', status);
    list.append(item);
  }

  const actions = document.createElement('div');
  actions.className = 'progress-summary__actions';
  const exportButton = document.createElement('button');
  exportButton.type = 'button';
  exportButton.textContent = 'Export progress';
  exportButton.className = 'progress-summary__button';
  const importLabel = document.createElement('label');
  importLabel.className = 'progress-summary__button';
  importLabel.textContent = 'Import progress…';
  const fileInput = document.createElement('input');
  fileInput.type = 'file';
  fileInput.accept = 'application/json,.json';
  fileInput.className = 'progress-summary__file';
  importLabel.append(fileInput);
  const message = document.createElement('p');
  message.className = 'progress-summary__message';
  message.setAttribute('role', 'status');
  actions.append(exportButton, importLabel);

  exportButton.addEventListener('click', () => {
    const data = store.exportProgress();
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `initlab-progress-${data.exportedAt.slice(0, 10)}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    message.textContent = `Exported ${Object.keys(data.exercises).length} exercise${Object.keys(data.exercises).length === 1 ? '' : 's'} (progress and saved code) to ${a.download}.`;
  });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    try {
      const { parseProgressFile } = await import('./progress-file');
      const summary = store.importProgress(parseProgressFile(await file.text()));
      renderSummary(store, container);
      const again = container.querySelector<HTMLElement>('.progress-summary__message')!;
      again.dataset.tone = 'ok';
      again.textContent =
        `Imported ${summary.exercises} exercise${summary.exercises === 1 ? '' : 's'}` +
        (summary.questions ? ` and ${summary.questions} quiz question${summary.questions === 1 ? '' : 's'}` : '') +
        ` from ${file.name}` +
        (summary.codeRestored ? `; restored saved code for ${summary.codeRestored}` : '') +
        (summary.codeKept ? `; kept the newer code already in this browser for ${summary.codeKept}` : '') +
        '.';
      container.querySelector<HTMLElement>('.progress-summary__button')?.focus();
    } catch (error) {
      message.dataset.tone = 'error';
      message.textContent =
        (error as Error).name === 'ProgressImportError'
          ? (error as Error).message
          : `Could not read ${file.name}: ${(error as Error).message}. Nothing was imported.`;
    } finally {
      fileInput.value = '';
    }
  });

  container.setAttribute('aria-labelledby', heading.id);
  container.append(heading, counts, ...(QUIZ_QUESTIONS.length ? [quizCounts] : []), list, actions, message);
}

function start() {
  let store: ProgressStore;
  try {
    store = browserProgressStore();
  } catch {
    return; // Storage disabled: nothing to show.
  }
  const refresh = () => {
    decorateSidebar(store);
    const summary = document.getElementById('progress-summary');
    if (summary) renderSummary(store, summary);
  };
  refresh();
  // Runs on this page (the store notifies) and other tabs (storage events).
  store.subscribe(refresh);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();

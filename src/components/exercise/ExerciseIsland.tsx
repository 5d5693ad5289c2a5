/**
 * The interactive part of an exercise block: editor, buttons, backend picker, results.
 *
 * Server-rendered first as a plain <pre> of the starter (the page is readable and scrollable before
 * any JavaScript), hydrated when scrolled into view (client:visible); Monaco (≈ 1 MB compressed) is
 * imported only when the learner focuses or clicks that code, or presses Run. Learner code is compiled here (Monaco's TypeScript worker) and handed to the runner, which
 * executes it in its sandbox; this island never evaluates learner code itself.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ExerciseIslandProps } from './types';
import type { CodeProblem, LearnerEditor } from './monaco-editor';
import type { BackendChoice, BackendReport, RunErrorKind, RunEvent } from '../../runner/protocol';
import type { LayerStats, Verdict } from '../../engine/types';
import { browserProgressStore, type ExerciseProgress } from '../../progress/store';
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog';
import { ResultsPanel } from './ResultsPanel';
import { getRunner } from './runner-connection';
import { describeBackend, progressNote, withTrainPoint, type TrainingCurves, type TrainProgressNote } from './results-model';
import { ReferenceRunCancelled, referenceResults, type ReferenceMeasurement } from './reference-run';

const BACKEND_LABELS: Record<BackendChoice, string> = {
  auto: 'Auto',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

const AUTOSAVE_DELAY_MS = 600;

type EditorState = 'static' | 'loading' | 'ready' | 'failed';

export type RunPhase =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'blocked'; errors: CodeProblem[] }
  | { kind: 'running' }
  | { kind: 'done'; verdict: Verdict; verdicts: Verdict[] }
  | { kind: 'error'; errorKind: RunErrorKind | 'editor'; message: string; layer?: number };

/** Streamed statistics per network, keyed by network index. */
export type StreamedNetworks = { name: string; layers: LayerStats[] }[];

function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

export default function ExerciseIsland({ spec, starter, solution }: ExerciseIslandProps) {
  const exerciseId = spec.id;
  const domId = `exercise-${exerciseId}`;
  const [hydrated, setHydrated] = useState(false);
  const [editorState, setEditorState] = useState<EditorState>('static');
  /** Set when the learner first focuses the code or presses Run: the editor is loaded then, not before. */
  const [editorWanted, setEditorWanted] = useState(false);
  const runWhenReady = useRef(false);
  const [editorError, setEditorError] = useState<string | null>(null);
  const [code, setCode] = useState(starter);
  const [saveNote, setSaveNote] = useState<string>('');
  const [phase, setPhase] = useState<RunPhase>({ kind: 'idle' });
  const [networks, setNetworks] = useState<StreamedNetworks>([]);
  const [training, setTraining] = useState<TrainingCurves>([]);
  const [trainProgress, setTrainProgress] = useState<TrainProgressNote | null>(null);
  const [reference, setReference] = useState<ReferenceMeasurement | null>(null);
  const [referenceNote, setReferenceNote] = useState<string>('');
  const [backend, setBackend] = useState<BackendChoice>('auto');
  const [backendReport, setBackendReport] = useState<BackendReport | null>(null);
  /** What the picker's choice will run on (from the runner's warm-up), before any run. */
  const [backendStatus, setBackendStatus] = useState<string>('');
  const [hintsShown, setHintsShown] = useState(0);
  const [solutionShown, setSolutionShown] = useState(false);
  const [progress, setProgress] = useState<ExerciseProgress | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const editorHost = useRef<HTMLDivElement>(null);
  const runButton = useRef<HTMLButtonElement>(null);
  const editor = useRef<LearnerEditor | null>(null);
  const saveTimer = useRef<number | undefined>(undefined);
  const pendingCode = useRef<string | null>(null);
  const running = useRef(false);

  const store = useMemo(() => (typeof window === 'undefined' ? null : browserProgressStore()), []);

  // --- saved work -------------------------------------------------------------------------------
  const flushSave = useCallback(() => {
    window.clearTimeout(saveTimer.current);
    saveTimer.current = undefined;
    if (pendingCode.current === null || !store) return;
    try {
      store.saveCode(exerciseId, pendingCode.current);
      setSaveNote('Saved in this browser');
    } catch (error) {
      setSaveNote(`Could not save your code in this browser (${(error as Error).message}). Copy it somewhere safe.`);
    }
    pendingCode.current = null;
  }, [exerciseId, store]);

  const scheduleSave = useCallback(
    (next: string) => {
      pendingCode.current = next;
      window.clearTimeout(saveTimer.current);
      saveTimer.current = window.setTimeout(flushSave, AUTOSAVE_DELAY_MS);
    },
    [flushSave],
  );

  useEffect(() => {
    setHydrated(true);
    if (!store) return;
    const saved = store.loadCode(exerciseId);
    if (saved && saved.code !== starter) {
      setCode(saved.code);
      setSaveNote('Your saved code was restored');
    }
    setProgress(store.getProgress(exerciseId));
    const unsubscribe = store.subscribe(() => setProgress(store.getProgress(exerciseId)));
    const onHide = () => flushSave();
    const onVisibility = () => document.visibilityState === 'hidden' && flushSave();
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      unsubscribe();
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onVisibility);
      flushSave();
    };
  }, [exerciseId, starter, store, flushSave]);

  // --- the editor (lazy) ------------------------------------------------------------------------
  const runRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!hydrated || !editorWanted || !editorHost.current) return;
    let disposed = false;
    const focusWhenReady = document.activeElement?.classList.contains('exercise-static-code') ?? false;
    setEditorState('loading');
    const initialCode = store?.loadCode(exerciseId)?.code ?? starter;
    import('./monaco-editor')
      .then(({ createLearnerEditor }) =>
        createLearnerEditor(editorHost.current!, {
          exerciseId,
          code: initialCode,
          ariaLabel: `Code editor for exercise: ${spec.title}. TypeScript. Press Control+Enter to run.`,
          onRun: () => runRef.current(),
          onEscape: () => runButton.current?.focus(),
        }),
      )
      .then((created) => {
        if (disposed) {
          created.dispose();
          return;
        }
        editor.current = created;
        // The editor owns the text from here on; keystrokes only schedule a save (no re-render).
        created.onDidChangeCode(scheduleSave);
        setEditorState('ready');
        if (focusWhenReady) created.focus();
        if (runWhenReady.current) {
          runWhenReady.current = false;
          runRef.current();
        }
      })
      .catch((error: Error) => {
        if (disposed) return;
        setEditorError(error.message);
        setEditorState('failed');
      });
    return () => {
      disposed = true;
      editor.current?.dispose();
      editor.current = null;
    };
  }, [hydrated, editorWanted]);

  // --- backend: warm the runner for the picker's choice once the editor is up --------------------
  useEffect(() => {
    if (editorState !== 'ready') return;
    let current = true;
    setBackendStatus(`Starting ${BACKEND_LABELS[backend]}…`);
    const warm = () =>
      getRunner()
        .then((runner) => runner.prewarm(backend))
        .then((report) => current && setBackendStatus(describeBackend(report, 'will run')))
        .catch((error: Error) => current && setBackendStatus(`${BACKEND_LABELS[backend]} cannot run here: ${error.message}`));
    // After the page and the editor have settled: the warm-up loads TF.js in the sandbox.
    const hasIdle = typeof window.requestIdleCallback === 'function';
    const handle = hasIdle ? window.requestIdleCallback(warm, { timeout: 3000 }) : window.setTimeout(warm, 1000);
    return () => {
      current = false;
      if (hasIdle) window.cancelIdleCallback(handle);
      else window.clearTimeout(handle);
    };
  }, [editorState, backend]);

  // --- running ----------------------------------------------------------------------------------
  const run = useCallback(async () => {
    if (running.current || !editor.current) return;
    running.current = true;
    flushSave();
    setPhase({ kind: 'checking' });
    try {
      const checked = await editor.current.check();
      if (checked.errors.length || checked.javascript === null) {
        // Results of an earlier run would be read as the results of this code: clear them.
        setNetworks([]);
        setBackendReport(null);
        setPhase({ kind: 'blocked', errors: checked.errors });
        return;
      }
      setPhase({ kind: 'running' });
      setNetworks([]);
      setTraining([]);
      setTrainProgress(null);
      const runner = await getRunner();
      const streamed: StreamedNetworks = [];
      let streamedTraining: TrainingCurves = [];
      const onEvent = (event: RunEvent) => {
        if (event.type === 'backend') {
          setBackendReport(event.report);
          setBackendStatus(describeBackend(event.report, 'will run'));
        }
        if (event.type === 'layer') {
          const net = (streamed[event.networkIndex] ??= { name: event.network, layers: [] });
          const at = net.layers.findIndex((l) => l.index === event.stats.index);
          const stats = event.stats;
          if (at >= 0) net.layers[at] = stats;
          else net.layers.push(stats);
          setNetworks(streamed.map((n) => ({ ...n, layers: [...n.layers] })));
        }
        if (event.type === 'train-progress') {
          streamedTraining = withTrainPoint(streamedTraining, event, streamed[event.networkIndex]?.name ?? '');
          setTraining(streamedTraining);
          setTrainProgress(progressNote(event));
        }
      };
      const outcome = await runner.run({ exercise: spec, compiledJs: checked.javascript, backend }, onEvent);
      if (outcome.backendReport) setBackendReport(outcome.backendReport);
      if (outcome.results) {
        setNetworks(outcome.results.map((r) => ({ name: r.network, layers: r.layers })));
      }
      setTrainProgress(null);
      if (outcome.training) setTraining(outcome.training);
      if (outcome.verdict && (outcome.status === 'passed' || outcome.status === 'failed')) {
        const verdict = outcome.verdict;
        setPhase({ kind: 'done', verdict, verdicts: outcome.verdicts ?? [verdict] });
        store?.recordRun(exerciseId, verdict.passed, verdict.message);
      } else if (outcome.error) {
        setPhase({ kind: 'error', errorKind: outcome.error.kind, message: outcome.error.message, layer: outcome.error.layer });
        // A backend that cannot start or a lost GPU is not the learner's attempt.
        if (outcome.error.kind !== 'backend-unavailable' && outcome.error.kind !== 'device-lost') {
          store?.recordRun(exerciseId, false, outcome.error.message);
        }
      } else {
        setPhase({ kind: 'error', errorKind: 'runtime', message: 'The run ended without a result.' });
      }
      if (outcome.backend && outcome.status !== 'cancelled') {
        setReferenceNote('Measuring the reference initializer for comparison…');
        referenceResults({ spec, solution, backend: outcome.backend, editor: editor.current! })
          .then((ref) => {
            setReference(ref);
            setReferenceNote('');
          })
          .catch((error: Error) =>
            setReferenceNote(error instanceof ReferenceRunCancelled ? '' : `The reference curve is not available: ${error.message}`),
          );
      }
    } catch (error) {
      setPhase({ kind: 'error', errorKind: 'runtime', message: (error as Error).message });
    } finally {
      running.current = false;
    }
  }, [backend, exerciseId, flushSave, solution, spec, store]);
  runRef.current = run;

  // --- buttons ----------------------------------------------------------------------------------
  const askReset = () => {
    const current = editor.current?.getCode() ?? code;
    if (current === starter) {
      setSaveNote('Your code is already the starter code.');
      return;
    }
    setConfirm({
      title: 'Reset to the starter code?',
      body: 'Your current code in this exercise will be replaced by the starter. You can bring it back with Undo (Ctrl+Z) in the editor until you reload the page.',
      confirmLabel: 'Replace my code',
      onConfirm: () => {
        editor.current?.replaceCode(starter);
        store?.saveCode(exerciseId, starter);
        pendingCode.current = null;
        setSaveNote('Reset to the starter code (Undo with Ctrl+Z)');
        editor.current?.focus();
      },
    });
  };

  const askSolution = () => {
    const failedBefore = (progress?.attempts ?? 0) > 0 && progress?.status !== 'passed';
    setConfirm({
      title: 'Show the reference solution?',
      body: failedBefore
        ? 'It appears below the editor; your code stays as it is.'
        : "You haven't had a failed run yet: trying first teaches more. The solution appears below the editor; your code stays as it is.",
      confirmLabel: 'Show solution',
      onConfirm: () => setSolutionShown(true),
    });
  };

  const askUseSolution = () => {
    setConfirm({
      title: 'Copy the solution into the editor?',
      body: 'Your current code will be replaced. You can bring it back with Undo (Ctrl+Z) in the editor until you reload the page.',
      confirmLabel: 'Replace my code',
      onConfirm: () => {
        editor.current?.replaceCode(solution);
        editor.current?.focus();
      },
    });
  };

  const hints = spec.hints;
  const ready = editorState === 'ready';
  const busy = phase.kind === 'checking' || phase.kind === 'running';
  const modKey = typeof window !== 'undefined' && isMac() ? '⌘' : 'Ctrl';
  const tabKey = typeof window !== 'undefined' && isMac() ? 'Ctrl+Shift+M' : 'Ctrl+M';
  const failedRun = phase.kind === 'done' && !phase.verdict.passed;

  return (
    <div class="exercise-island" data-editor-state={editorState} data-phase={phase.kind}>
      <div class="exercise-toolbar" role="group" aria-label="Exercise controls">
        <button
          ref={runButton}
          type="button"
          class="exercise-button exercise-button--primary"
          onClick={() => {
            if (busy) return;
            if (ready) void run();
            else {
              runWhenReady.current = true;
              setEditorWanted(true);
            }
          }}
          // aria-disabled, not disabled, while a run is going: a disabled button drops keyboard focus to <body>.
          disabled={!hydrated || editorState === 'loading' || editorState === 'failed'}
          aria-disabled={busy ? 'true' : undefined}
          aria-keyshortcuts="Control+Enter Meta+Enter"
        >
          {phase.kind === 'running' ? 'Running…' : phase.kind === 'checking' ? 'Checking…' : 'Run'}
          <kbd class="exercise-kbd" aria-hidden="true">{modKey}+Enter</kbd>
        </button>
        <button type="button" class="exercise-button" onClick={askReset} disabled={!ready || busy}>
          Reset to starter
        </button>
        <button
          type="button"
          class="exercise-button"
          onClick={() => setHintsShown((n) => Math.min(n + 1, hints.length))}
          disabled={!hydrated || hintsShown >= hints.length}
          aria-controls={hintsShown > 0 ? `${domId}-hints` : undefined}
        >
          {hints.length === 0 ? 'No hints' : hintsShown >= hints.length ? 'No more hints' : `Hint ${hintsShown + 1} of ${hints.length}`}
        </button>
        <button
          type="button"
          class={`exercise-button${failedRun ? ' exercise-button--suggest' : ''}`}
          onClick={askSolution}
          disabled={!hydrated || solutionShown}
          aria-controls={solutionShown ? `${domId}-solution` : undefined}
        >
          Show solution
        </button>
        <label class="exercise-backend">
          <span>Backend</span>
          <select
            value={backend}
            disabled={!hydrated || busy}
            onChange={(e) => setBackend((e.currentTarget as HTMLSelectElement).value as BackendChoice)}
          >
            {(Object.keys(BACKEND_LABELS) as BackendChoice[]).map((b) => (
              <option value={b}>{BACKEND_LABELS[b]}</option>
            ))}
          </select>
        </label>
      </div>

      <p class="exercise-backend-status" aria-live="polite">
        {backendStatus}
      </p>
      <p class="exercise-keys" id={`${domId}-keys`}>
        {editorState === 'static' && hydrated && <span>Click the code (or Tab to it) to edit it. </span>}
        <span>
          Run: <kbd>{modKey}+Enter</kbd>.
        </span>{' '}
        <span>
          Press <kbd>{tabKey}</kbd> then <kbd>Tab</kbd> to leave the editor (or <kbd>Esc</kbd>).
        </span>
      </p>

      {/* Keyed: Monaco lives inside; Preact must never swap this element for another. */}
      <div class="exercise-editor-frame" key="editor-frame">
        {editorState !== 'ready' && (
          <pre
            class="exercise-static-code"
            tabIndex={hydrated ? 0 : undefined}
            aria-label={editorState === 'static' ? 'Starter code: focus it to load the editor' : 'Starter code (the editor is loading)'}
            onFocus={() => setEditorWanted(true)}
            onPointerDown={() => setEditorWanted(true)}
          >
            <code>{code}</code>
          </pre>
        )}
        <div
          key="editor-host"
          ref={editorHost}
          class="exercise-editor"
          hidden={editorState !== 'ready' && editorState !== 'loading'}
          style={editorState === 'loading' ? { position: 'absolute', inset: 0, opacity: 0 } : undefined}
        />
        {editorState === 'loading' && <p class="exercise-editor-note">Loading the editor…</p>}
        {editorState === 'failed' && (
          <p class="exercise-editor-note exercise-editor-note--error" role="alert">
            The editor could not load ({editorError}). Reload the page to try again; your saved code is kept.
          </p>
        )}
      </div>
      <p class="exercise-save-note" aria-live="off">
        {saveNote}
        {progress && (
          <span class="exercise-progress-note">
            {progress.status === 'passed' ? ' · Passed' : ' · Attempted'} ({progress.attempts} run{progress.attempts === 1 ? '' : 's'})
          </span>
        )}
      </p>

      {hintsShown > 0 && (
        <section key="hints" class="exercise-hints" id={`${domId}-hints`} aria-label="Hints" aria-live="polite">
          <ol>
            {hints.slice(0, hintsShown).map((hint, i) => (
              <li key={i}>
                <strong>Hint {i + 1}.</strong> {hint}
              </li>
            ))}
          </ol>
        </section>
      )}

      {solutionShown && (
        <section key="solution" class="exercise-solution" id={`${domId}-solution`} aria-label="Reference solution">
          <h4>Reference solution</h4>
          <pre>
            <code>{solution}</code>
          </pre>
          <button type="button" class="exercise-button" onClick={askUseSolution} disabled={!ready}>
            Copy into the editor
          </button>
        </section>
      )}

      <ResultsPanel
        spec={spec}
        phase={phase}
        networks={networks}
        training={training}
        trainProgress={trainProgress}
        reference={reference}
        referenceNote={referenceNote}
        backendReport={backendReport}
        domId={domId}
      />

      {confirm && <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />}
    </div>
  );
}

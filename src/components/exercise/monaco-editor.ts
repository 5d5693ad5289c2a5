/**
 * The exercise editor: Monaco in TypeScript mode with the learner's contract and TF.js typed.
 * This module is imported lazily (only when an exercise block comes into view), so pages without an
 * exercise never load Monaco, and a page with one is readable before Monaco arrives.
 *
 * Compiling happens here too, in Monaco's TypeScript worker: the same language service that draws the
 * red squiggles produces the diagnostics that block a run and the JavaScript that the runner executes.
 */
// The editor API with only the TypeScript language and the editing features an exercise uses: not
// `import 'monaco-editor'`, which registers every language, CSS/HTML/JSON language services with their
// workers, and the diff editor.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/typescript/register';
import * as typescriptLanguage from 'monaco-editor/languages/features/typescript/register';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/common/standaloneStrings';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/caretOperations/browser/caretOperations';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/codeAction/browser/codeActionContributions';
import 'monaco-editor/editor/contrib/comment/browser/comment';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo';
import 'monaco-editor/editor/contrib/find/browser/findController';
import 'monaco-editor/editor/contrib/folding/browser/folding';
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/editor/contrib/gotoSymbol/browser/goToCommands';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/indentation/browser/indentation';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/multicursor/browser/multicursor';
import 'monaco-editor/editor/contrib/parameterHints/browser/parameterHints';
import 'monaco-editor/editor/contrib/semanticTokens/browser/documentSemanticTokens';
import 'monaco-editor/editor/contrib/semanticTokens/browser/viewportSemanticTokens';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode';
import 'monaco-editor/editor/contrib/tokenization/browser/tokenization';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import learnerGlobals from '../../engine/learner-globals.d.ts?raw';
import { LEARNER_COMPILER_OPTIONS } from '../../engine/learner-compiler-options';
// Monaco's ESM modules import their CSS, but Astro drops CSS reached only through a dynamic import,
// so the whole stylesheet (its icon font inlined) is linked here, when the editor loads.
import monacoCssUrl from '/node_modules/monaco-editor/min/vs/editor/editor.main.css?url';

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

// Same-origin worker scripts (emitted by Vite), so they load under COOP/COEP. The TypeScript worker is the very
// file Monaco's TypeScript service names in its own `new Worker(new URL(…))`, so Vite emits it once, not twice.
self.MonacoEnvironment = {
  getWorker(_moduleId: string, label: string) {
    if (label === 'typescript' || label === 'javascript') {
      return new Worker(new URL('../../../node_modules/monaco-editor/esm/vs/languages/features/typescript/ts.worker.js', import.meta.url), { type: 'module' });
    }
    return new EditorWorker();
  },
};

const ts = typescriptLanguage;

let stylesheet: Promise<void> | null = null;
function loadMonacoStylesheet(): Promise<void> {
  stylesheet ??= new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = monacoCssUrl;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`could not load the editor's stylesheet (${monacoCssUrl})`));
    document.head.appendChild(link);
  });
  return stylesheet;
}

let languageConfigured: Promise<void> | null = null;

/** Compiler options and type definitions, set once per page. */
function configureTypeScript(): Promise<void> {
  languageConfigured ??= (async () => {
    ts.typescriptDefaults.setCompilerOptions({ ...LEARNER_COMPILER_OPTIONS, lib: [...LEARNER_COMPILER_OPTIONS.lib] });
    ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
    // TF.js's declarations (≈ 1 MB, one lazily loaded chunk) under the path Node resolution looks for,
    // so `typeof import('@tensorflow/tfjs-core')` in the learner globals resolves and `tf.` completes.
    const { tfjsCoreDeclarations } = await import('./tfjs-declarations');
    const libs = [
      { filePath: 'file:///node_modules/@tensorflow/tfjs-core/package.json', content: JSON.stringify({ name: '@tensorflow/tfjs-core', types: 'dist/index.d.ts' }) },
      ...tfjsCoreDeclarations.map(({ path, content }) => ({ filePath: `file:///node_modules/@tensorflow/tfjs-core/${path}`, content })),
      { filePath: 'file:///initlab/learner-globals.d.ts', content: learnerGlobals },
    ];
    ts.typescriptDefaults.setExtraLibs(libs);
  })();
  return languageConfigured;
}

export interface CodeProblem {
  line: number;
  column: number;
  message: string;
}

export interface CheckResult {
  errors: CodeProblem[];
  /** CommonJS JavaScript, present when there are no errors. */
  javascript: string | null;
}

export interface LearnerEditor {
  getCode(): string;
  /** Replaces the whole text as one undoable edit (Ctrl+Z brings the old code back). */
  replaceCode(code: string): void;
  onDidChangeCode(listener: (code: string) => void): () => void;
  /** Type-checks the code in the TypeScript worker; marks each error in the editor; emits JS if clean. */
  check(): Promise<CheckResult>;
  /** Compiles other TypeScript (the reference solution) with the same options, without showing it. */
  compileHidden(code: string, name: string): Promise<CheckResult>;
  focus(): void;
  dispose(): void;
}

export interface LearnerEditorOptions {
  exerciseId: string;
  code: string;
  ariaLabel: string;
  onRun: () => void;
  /** Called when the learner presses Escape with no editor widget open: move focus out of the editor. */
  onEscape: () => void;
}

/** vs-dark with lighter comments: its #6A9955 measured 4.2:1 in the page, below WCAG AA's 4.5:1. */
const DARK_THEME = 'initlab-dark';

function currentTheme(): 'vs' | typeof DARK_THEME {
  return document.documentElement.dataset.theme === 'dark' ? DARK_THEME : 'vs';
}

let themeObserver: MutationObserver | null = null;
function followSiteTheme() {
  monaco.editor.defineTheme(DARK_THEME, { base: 'vs-dark', inherit: true, rules: [{ token: 'comment', foreground: '8AB878' }], colors: {} });
  monaco.editor.setTheme(currentTheme());
  if (themeObserver) return;
  themeObserver = new MutationObserver(() => monaco.editor.setTheme(currentTheme()));
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
}

const MIN_HEIGHT = 220;
const MAX_HEIGHT = 560;

/**
 * Monaco sets up its TypeScript service when the first TypeScript model asks for it, a moment after the model
 * exists; until then getTypeScriptWorker rejects ("TypeScript not registered!"). An editor hides that moment,
 * a hidden model compiled at once does not, so wait for it (a few seconds at most).
 */
async function typeScriptWorker(fileUri: monaco.Uri) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (await ts.getTypeScriptWorker())(fileUri);
    } catch (error) {
      if (attempt >= 100) throw error instanceof Error ? error : new Error(`the TypeScript service did not start: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function diagnosticsOf(fileUri: monaco.Uri, fileModel: monaco.editor.ITextModel) {
  const worker = await typeScriptWorker(fileUri);
  const name = fileUri.toString();
  const [syntactic, semantic] = await Promise.all([worker.getSyntacticDiagnostics(name), worker.getSemanticDiagnostics(name)]);
  // Syntax errors first: a type error after a syntax error is usually a consequence of it.
  const all = syntactic.length ? syntactic : semantic;
  const errors = all.filter((d) => d.category === 1);
  const markers: monaco.editor.IMarkerData[] = errors.map((d) => {
    const start = fileModel.getPositionAt(d.start ?? 0);
    const end = fileModel.getPositionAt((d.start ?? 0) + (d.length ?? 1));
    return {
      severity: monaco.MarkerSeverity.Error,
      message: flattenMessage(d.messageText),
      startLineNumber: start.lineNumber,
      startColumn: start.column,
      endLineNumber: end.lineNumber,
      endColumn: Math.max(end.column, start.column + (end.lineNumber === start.lineNumber ? 1 : 0)),
      code: d.code ? String(d.code) : undefined,
    };
  });
  return { worker, markers };
}

async function compile(fileUri: monaco.Uri, fileModel: monaco.editor.ITextModel, showMarkers: boolean): Promise<CheckResult> {
  const { worker, markers } = await diagnosticsOf(fileUri, fileModel);
  // The same owner as Monaco's own diagnostics, so our markers and its later ones replace each other.
  if (showMarkers) monaco.editor.setModelMarkers(fileModel, 'typescript', markers);
  const errors = markers.map((m) => ({ line: m.startLineNumber, column: m.startColumn, message: m.message }));
  if (errors.length) return { errors, javascript: null };
  const output = await worker.getEmitOutput(fileUri.toString());
  const js = output.outputFiles.find((f) => f.name.endsWith('.js'));
  if (!js || output.emitSkipped) {
    return { errors: [{ line: 1, column: 1, message: 'TypeScript produced no JavaScript for this file.' }], javascript: null };
  }
  return { errors: [], javascript: js.text };
}

/**
 * Compiles TypeScript that is not in an editor (the reference solution, a learner's saved code for a widget)
 * with the editor's options and declarations: type errors block it as they block Run.
 */
export async function compileHidden(code: string, name: string): Promise<CheckResult> {
  await configureTypeScript();
  const hiddenUri = monaco.Uri.parse(`file:///hidden/${name}.ts`);
  const hidden = monaco.editor.getModel(hiddenUri) ?? monaco.editor.createModel(code, 'typescript', hiddenUri);
  if (hidden.getValue() !== code) hidden.setValue(code);
  return compile(hiddenUri, hidden, false);
}

export async function createLearnerEditor(container: HTMLElement, options: LearnerEditorOptions): Promise<LearnerEditor> {
  await Promise.all([configureTypeScript(), loadMonacoStylesheet()]);
  followSiteTheme();

  const uri = monaco.Uri.parse(`file:///exercises/${options.exerciseId}.ts`);
  const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(options.code, 'typescript', uri);
  model.setValue(options.code);

  const editor = monaco.editor.create(container, {
    model,
    theme: currentTheme(),
    ariaLabel: options.ariaLabel,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    lineNumbersMinChars: 3,
    tabSize: 2,
    wordWrap: 'on',
    fixedOverflowWidgets: true,
    scrollbar: { alwaysConsumeMouseWheel: false },
    accessibilitySupport: 'auto',
    renderValidationDecorations: 'on',
  });

  const fitHeight = () => {
    const height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, editor.getContentHeight()));
    if (container.style.height !== `${height}px`) {
      container.style.height = `${height}px`;
      editor.layout();
    }
  };
  editor.onDidContentSizeChange(fitHeight);
  fitHeight();

  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => options.onRun());
  editor.addCommand(
    monaco.KeyCode.Escape,
    () => options.onEscape(),
    '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible && !inSnippetMode && !markersNavigationVisible && !editorHasMultipleSelections && !editorHoverVisible',
  );

  const changeListeners = new Set<(code: string) => void>();
  const contentSubscription = model.onDidChangeContent(() => {
    const code = model.getValue();
    changeListeners.forEach((l) => l(code));
  });

  return {
    getCode: () => model.getValue(),
    replaceCode(code) {
      editor.pushUndoStop();
      editor.executeEdits('initlab-reset', [{ range: model.getFullModelRange(), text: code }]);
      editor.pushUndoStop();
    },
    onDidChangeCode(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    check: () => compile(uri, model, true),
    compileHidden,
    focus: () => editor.focus(),
    dispose() {
      contentSubscription.dispose();
      editor.dispose();
    },
  };
}

function flattenMessage(message: string | { messageText: string; next?: unknown[] }): string {
  if (typeof message === 'string') return message;
  const parts: string[] = [];
  const walk = (m: { messageText: string; next?: unknown[] }, depth: number) => {
    parts.push(`${'  '.repeat(depth)}${m.messageText}`);
    (m.next as { messageText: string; next?: unknown[] }[] | undefined)?.forEach((n) => walk(n, depth + 1));
  };
  walk(message, 0);
  return parts.join('\n');
}

/**
 * Compiles a learner's TypeScript file to CommonJS JavaScript after checking it as the exercise editor does:
 * the same compiler options (engine/learner-compiler-options.ts), the same ambient declarations
 * (engine/learner-globals.d.ts, TF.js's types), syntax errors first, then type errors. A file with any
 * error does not run, in the editor or here (CompileError: "file:line:col: message" lines).
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import ts from 'typescript';
import { LEARNER_COMPILER_OPTIONS } from '../engine/learner-compiler-options';

export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

const LEARNER_GLOBALS = fileURLToPath(new URL('../engine/learner-globals.d.ts', import.meta.url));
const REPOSITORY = path.dirname(path.dirname(path.dirname(LEARNER_GLOBALS)));
/** Where the learner's file is placed for the check: TF.js's types resolve from the repository's node_modules. */
const LEARNER_FILE = path.join(REPOSITORY, '__learner__.ts');
const MAX_SHOWN = 5;

const { lib, ...options } = LEARNER_COMPILER_OPTIONS;
const COMPILER_OPTIONS: ts.CompilerOptions = {
  ...(options as unknown as ts.CompilerOptions),
  lib: lib.map((name) => `lib.${name}.d.ts`),
  noEmit: true,
  types: [],
};

// Library and TF.js declarations are parsed once per thread and shared by every check.
const parsed = new Map<string, ts.SourceFile>();
const baseHost = ts.createCompilerHost(COMPILER_OPTIONS, true);
let previous: ts.Program | undefined;

function programFor(source: string): ts.Program {
  const learner = ts.createSourceFile(LEARNER_FILE, source, ts.ScriptTarget.ES2020, true);
  const host: ts.CompilerHost = {
    ...baseHost,
    getSourceFile(fileName, languageVersion, onError) {
      if (fileName === LEARNER_FILE) return learner;
      let file = parsed.get(fileName);
      if (!file) {
        file = baseHost.getSourceFile(fileName, languageVersion, onError);
        if (file) parsed.set(fileName, file);
      }
      return file;
    },
    fileExists: (fileName) => fileName === LEARNER_FILE || baseHost.fileExists(fileName),
    readFile: (fileName) => (fileName === LEARNER_FILE ? source : baseHost.readFile(fileName)),
  };
  previous = ts.createProgram({ rootNames: [LEARNER_FILE, LEARNER_GLOBALS], options: COMPILER_OPTIONS, host, oldProgram: previous });
  return previous;
}

/** The errors the editor would show, as "file:line:col: message" (syntax errors first). */
export function learnerDiagnostics(source: string, file: string): string[] {
  const program = programFor(source);
  const learner = program.getSourceFile(LEARNER_FILE)!;
  // Syntax errors first, then type errors, as the editor lists them.
  const all = [...program.getSyntacticDiagnostics(learner), ...program.getSemanticDiagnostics(learner)];
  return all.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${file}:${line + 1}:${character + 1}: ${text}`;
    }
    return `${file}: ${text}`;
  });
}

export function compileLearnerSource(source: string, file: string): string {
  const errors = learnerDiagnostics(source, file);
  if (errors.length) {
    const more = errors.length > MAX_SHOWN ? [`… and ${errors.length - MAX_SHOWN} more error(s)`] : [];
    throw new CompileError([...errors.slice(0, MAX_SHOWN), ...more].join('\n'));
  }
  return transpileLearnerSource(source, file);
}

/** The JavaScript of a learner's file without any check (for tests of what the realm does with any file). */
export function transpileLearnerSource(source: string, file: string): string {
  return ts.transpileModule(source, { fileName: file, compilerOptions: { ...COMPILER_OPTIONS, noEmit: false } }).outputText;
}

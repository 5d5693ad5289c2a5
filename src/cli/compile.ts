/** Compiles a learner's TypeScript file to CommonJS JavaScript (syntax errors only: types are the editor's job). */
import ts from 'typescript';

export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

export function compileLearnerSource(source: string, file: string): string {
  const output = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, strict: false, esModuleInterop: true },
  });
  const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const lines = errors.slice(0, 5).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file && d.start !== undefined) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${file}:${line + 1}:${character + 1}: ${text}`;
      }
      return `${file}: ${text}`;
    });
    throw new CompileError(lines.join('\n'));
  }
  return output.outputText;
}

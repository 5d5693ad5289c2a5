/**
 * The TypeScript compiler options a learner's file is checked with, in the exercise editor (Monaco) and in
 * the CLI (`npm run grade`): one object, so a file gets the same verdict in both. A file with a type error
 * does not run in either. Enum values are TypeScript's numbers, which Monaco's TypeScript and the compiler
 * API share: ScriptTarget.ES2020 = 7, ModuleKind.CommonJS = 1, ModuleResolutionKind.NodeJs (Node10) = 2.
 * `lib` names as Monaco takes them; the compiler API wants "lib.<name>.d.ts".
 */
export const LEARNER_COMPILER_OPTIONS = {
  target: 7,
  module: 1,
  moduleResolution: 2,
  lib: ['es2020', 'dom'],
  strict: true,
  noImplicitAny: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmitOnError: false,
  allowNonTsExtensions: true,
  isolatedModules: false,
} as const;

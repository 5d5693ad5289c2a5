/**
 * The CLI checks a learner's file with the editor's compiler options (one shared object whose enum values
 * are TypeScript's numbers, as Monaco takes them): pinned here against the compiler API's own enums.
 */
import ts from 'typescript';
import { expect, it } from 'vitest';
import { LEARNER_COMPILER_OPTIONS } from '../../src/engine/learner-compiler-options';

it('the shared options name ES2020, CommonJS and Node module resolution in the compiler API\'s numbers, strict on', () => {
  expect(LEARNER_COMPILER_OPTIONS.target).toBe(ts.ScriptTarget.ES2020);
  expect(LEARNER_COMPILER_OPTIONS.module).toBe(ts.ModuleKind.CommonJS);
  expect(LEARNER_COMPILER_OPTIONS.moduleResolution).toBe(ts.ModuleResolutionKind.Node10);
  expect(LEARNER_COMPILER_OPTIONS.strict).toBe(true);
  for (const lib of LEARNER_COMPILER_OPTIONS.lib) expect(ts.sys.fileExists(ts.getDefaultLibFilePath({}).replace(/lib\.d\.ts$/, `lib.${lib}.d.ts`))).toBe(true);
});

/**
 * Builds, once per process, the two programs of a learner's realm in Node: the realm (realm-entry.ts with
 * TF.js core + CPU backend and the engine's learner tools, as one script for a `vm` context) and the
 * worker that hosts it (learner-worker.ts). esbuild bundles both in memory (≈ 1 s), so nothing generated
 * is kept in the repository and the realm always runs the engine's current learner tools.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface LearnerRealmCode {
  /** Evaluated inside the learner's `vm` context. */
  realm: string;
  /** CommonJS source of the learner's worker thread (started with `eval: true`). */
  worker: string;
}

let code: Promise<LearnerRealmCode> | undefined;

/** The realm's programs, built on first use (or given by a parent thread that built them already). */
export function learnerRealmCode(given?: LearnerRealmCode): Promise<LearnerRealmCode> {
  if (given) code ??= Promise.resolve(given);
  code ??= buildRealmCode();
  return code;
}

async function buildRealmCode(): Promise<LearnerRealmCode> {
  const entry = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  const [realm, worker] = await Promise.all([
    build({
      entryPoints: [entry('./realm-entry.ts')],
      bundle: true, write: false, minify: true, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'error',
      // TF.js looks for its global object as window, global, process or self: the context's is globalThis.
      banner: { js: 'var self = globalThis;' },
    }),
    build({
      entryPoints: [entry('./learner-worker.ts')],
      bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error',
      banner: { js: "'use strict';" },
    }),
  ]);
  return { realm: realm.outputFiles[0].text, worker: worker.outputFiles[0].text };
}

/**
 * Builds the two programs of a learner's realm in Node: the realm (realm-entry.ts with TF.js core + CPU
 * backend and the engine's learner tools, as one script for a `vm` context) and the worker that hosts it
 * (learner-worker.ts). esbuild bundles both from the current sources; the result is cached in
 * node_modules/.cache/initlab/ and reused while every input file keeps its size and modification time.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';

export interface LearnerRealmCode {
  /** Evaluated inside the learner's `vm` context. */
  realm: string;
  /** CommonJS source of the learner's worker thread (started with `eval: true`). */
  worker: string;
}

interface CacheFile extends LearnerRealmCode {
  esbuild: string;
  /** Every input of both bundles: [absolute path, size, mtimeMs]. */
  inputs: Array<[string, number, number]>;
}

const entry = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const ROOT = path.resolve(entry('.'), '../..');
const CACHE = path.join(ROOT, 'node_modules/.cache/initlab/learner-realm.json');

/**
 * Globals the realm's code reads in its hot loops (the sampler, TF.js's CPU kernels). In a `vm` context
 * every global lookup goes through Node's interceptor on the context's global object, ≈ 70× slower than a
 * local variable; passing them in as parameters makes them locals (one lookup each, when the realm loads).
 */
const REALM_LOCALS = [
  'Math', 'Array', 'ArrayBuffer', 'DataView', 'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array',
  'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'Object', 'Number', 'String', 'Boolean', 'Symbol',
  'Error', 'TypeError', 'RangeError', 'Map', 'Set', 'WeakMap', 'Promise', 'Reflect', 'JSON', 'Date', 'isNaN', 'isFinite',
  'parseInt', 'parseFloat',
].join(', ');

let code: Promise<LearnerRealmCode> | undefined;

/** The realm's programs, built on first use (or given by a parent thread that has them already). */
export function learnerRealmCode(given?: LearnerRealmCode): Promise<LearnerRealmCode> {
  if (given) code ??= Promise.resolve(given);
  code ??= cached().then((hit) => hit ?? buildRealmCode());
  return code;
}

async function cached(): Promise<LearnerRealmCode | null> {
  try {
    const file = JSON.parse(await readFile(CACHE, 'utf8')) as CacheFile;
    if (file.esbuild !== esbuildVersion) return null;
    for (const [input, size, mtimeMs] of file.inputs) {
      const info = await stat(input);
      if (info.size !== size || info.mtimeMs !== mtimeMs) return null;
    }
    return { realm: file.realm, worker: file.worker };
  } catch {
    return null;
  }
}

async function buildRealmCode(): Promise<LearnerRealmCode> {
  const [realm, worker] = await Promise.all([
    build({
      entryPoints: [entry('./realm-entry.ts')], absWorkingDir: ROOT, metafile: true,
      bundle: true, write: false, minify: true, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'error',
      // TF.js looks for its global object as window, global, process or self: the context's is globalThis.
      banner: { js: `var self = globalThis;\n(function (${REALM_LOCALS}) {` },
      footer: { js: `})(${REALM_LOCALS});` },
    }),
    build({
      entryPoints: [entry('./learner-worker.ts')], absWorkingDir: ROOT, metafile: true,
      bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error',
      banner: { js: "'use strict';" },
    }),
  ]);
  const result = { realm: realm.outputFiles[0].text, worker: worker.outputFiles[0].text };
  await save(result, [realm.metafile, worker.metafile]).catch(() => undefined); // a read-only install just rebuilds
  return result;
}

async function save(result: LearnerRealmCode, metafiles: Metafile[]): Promise<void> {
  const inputs: CacheFile['inputs'] = [];
  for (const input of new Set(metafiles.flatMap((m) => Object.keys(m.inputs)))) {
    const absolute = path.resolve(ROOT, input);
    const info = await stat(absolute);
    inputs.push([absolute, info.size, info.mtimeMs]);
  }
  await mkdir(path.dirname(CACHE), { recursive: true });
  await writeFile(CACHE, JSON.stringify({ esbuild: esbuildVersion, inputs, ...result } satisfies CacheFile));
}

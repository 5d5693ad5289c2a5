/**
 * npm run grade -- <exercise-id> <file.ts | folder> [--json] [--seed N] [--backend wasm|cpu] [--jobs N]
 *                   [--time-limit S] [--memory-mb MB]
 *
 * Grades a learner's initializer file, or every .ts file of a folder (a class's submissions, in parallel on
 * all cores), against a shipped exercise. Each file is type-checked as the exercise editor does, its code
 * runs in its own realm (a worker thread + an empty vm context), and its weights are graded by the engine.
 * One file: the per-layer table and PASS/FAIL. A folder: one line per file and a summary (a progress bar on
 * stderr). --json: the report of schemas/grade-report.v1.schema.json.
 * Exit code: 0 every file passed; 1 a file failed (wrong weights, or its code threw, timed out, ran out of
 * memory); 2 bad input: usage, unknown exercise, an unreadable file or folder, a file that does not compile
 * (syntax or type errors) or exports no initializer, or the grader itself crashed on a file.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatNumber as fmt, type Exercise, type LabResult } from '../engine/index';
import type { NodeBackend } from './backend';
import { loadExercise, listExerciseIds } from './exercise-files';
import { GraderCrash, GraderPool } from './grader-pool';
import { fileStatus, gradeReportJson, summaryLine, type GradedFile } from './json-report';

const USAGE = 'usage: npm run grade -- <exercise-id> <file.ts | folder> [--json] [--seed N] [--backend wasm|cpu] [--jobs N] [--time-limit S] [--memory-mb MB]';

interface Args {
  id: string; target: string; json: boolean; seed?: number; backend?: NodeBackend; jobs?: number;
  /** Overrides the exercise's time limit (seconds of wall-clock time: raise it on a slow or busy machine). */
  timeLimit?: number;
  /** The heap each learner's code may use. */
  memoryMb?: number;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let json = false;
  let seed: number | undefined;
  let backend: NodeBackend | undefined;
  let jobs: number | undefined;
  let timeLimit: number | undefined;
  let memoryMb: number | undefined;
  const wholeNumber = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs an integer ≥ ${min}, got "${value ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--seed') seed = wholeNumber('--seed', argv[++i], 0);
    else if (arg === '--jobs') jobs = wholeNumber('--jobs', argv[++i], 1);
    else if (arg === '--time-limit') timeLimit = wholeNumber('--time-limit', argv[++i], 1);
    else if (arg === '--memory-mb') memoryMb = wholeNumber('--memory-mb', argv[++i], 64);
    else if (arg === '--backend') {
      const value = argv[++i];
      if (value !== 'wasm' && value !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got "${value}"`);
      backend = value;
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) throw new UsageError(`expected an exercise id and a file or folder, got ${positional.length} argument(s)`);
  return { id: positional[0], target: positional[1], json, seed, backend, jobs, timeLimit, memoryMb };
}

/** The .ts files to grade: the file itself, or the folder's .ts files (not .d.ts), sorted. */
async function filesOf(target: string): Promise<{ files: string[]; folder: boolean }> {
  const info = await stat(target);
  if (!info.isDirectory()) return { files: [target], folder: false };
  const entries = await readdir(target, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(target, e.name))
    .sort();
  return { files, folder: true };
}

function table(result: LabResult): string {
  const header = ['layer', 'name', 'fan_in', 'std(W)', 'Var(y)', 'E[a²]', 'zero %', 'sat %', 'Var(dL/dy)', 'Var(dL/dW)'];
  const rows = result.layers.map((l) => [
    String(l.index), l.name, String(l.fanIn), fmt(l.forward.weightStd), fmt(l.forward.preVar), fmt(l.forward.actSecondMoment),
    l.forward.overflow ? '-' : (100 * l.forward.zeroFraction).toFixed(1), l.forward.overflow ? '-' : (100 * l.forward.saturatedFraction).toFixed(1),
    l.backward ? fmt(l.backward.gradPreVar) : '-', l.backward ? fmt(l.backward.weightGradVar) : '-',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Progress on stderr: a bar redrawn in place on a terminal, a plain line per file otherwise. */
function progress(total: number): { tick: (done: number) => void; clear: () => void } {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  return {
    tick(done) {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      if (tty) {
        const width = 30;
        const filled = Math.round((width * done) / total);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} files graded, ${seconds} s`);
      } else {
        process.stderr.write(`grade: ${done}/${total} files graded, ${seconds} s\n`);
      }
    },
    clear() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

async function gradeAll(exercise: Exercise, files: string[], args: Args, onGraded: () => void): Promise<GradedFile[]> {
  const pool = new GraderPool({ size: Math.min(files.length, args.jobs ?? Number.POSITIVE_INFINITY), backend: args.backend });
  try {
    return await Promise.all(files.map(async (file): Promise<GradedFile> => {
      try {
        const source = await readFile(file, 'utf8');
        const options = { seed: args.seed, memoryMb: args.memoryMb, timeLimitMs: args.timeLimit === undefined ? undefined : args.timeLimit * 1000 };
        return { file, outcome: await pool.grade(exercise, source, file, options) };
      } catch (error) {
        const reason = error instanceof GraderCrash ? error.message
          : `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
        return { file, outcome: { crash: reason } };
      } finally {
        onGraded();
      }
    }));
  } finally {
    await pool.close();
  }
}

function printOne(exercise: Exercise, graded: GradedFile): void {
  const { file, outcome } = graded;
  if ('crash' in outcome) {
    console.log(`${exercise.id}: ${exercise.title}\nfile: ${file}\n\nERROR: ${outcome.crash}`);
    return;
  }
  console.log(`${exercise.id}: ${exercise.title}`);
  console.log(`file: ${file}    backend: ${outcome.backend ?? 'not started'}`);
  for (const result of outcome.results) {
    console.log(`\n${result.network} · batch ${result.batch} · seed ${result.seed} · ${Math.round(result.timings.initMs + result.timings.forwardMs + result.timings.backwardMs)} ms`);
    console.log(table(result));
  }
  console.log(`\n${outcome.passed ? 'PASS' : 'FAIL'}: ${outcome.message}`);
}

function printFolder(graded: GradedFile[], seconds: number): void {
  const width = Math.max(...graded.map((g) => g.file.length));
  for (const g of graded) {
    const status = fileStatus(g);
    const message = 'crash' in g.outcome ? g.outcome.crash : g.outcome.message;
    console.log(`${status.toUpperCase().padEnd(5)} ${g.file.padEnd(width)}  ${message.split('\n')[0]}`);
  }
  const count = (s: string) => graded.filter((g) => fileStatus(g) === s).length;
  console.log(`\n${summaryLine({ files: graded.length, passed: count('pass'), failed: count('fail'), errors: count('error') })} (${seconds.toFixed(1)} s)`);
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`grade: ${error.message}`);
    console.error(USAGE);
    console.error(`exercises: ${(await listExerciseIds().catch(() => [])).join(', ')}`);
    return 2;
  }
  let exercise: Exercise;
  try {
    exercise = await loadExercise(args.id);
  } catch (error) {
    console.error(`grade: ${(error as Error).message}`);
    return 2;
  }
  let target: { files: string[]; folder: boolean };
  try {
    target = await filesOf(args.target);
  } catch (error) {
    console.error(`grade: cannot read ${args.target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  if (target.files.length === 0) {
    console.error(`grade: no .ts files in ${args.target}`);
    return 2;
  }
  const started = performance.now();
  const bar = target.folder ? progress(target.files.length) : null;
  let done = 0;
  const graded = await gradeAll(exercise, target.files, args, () => bar?.tick(++done));
  bar?.clear();
  if (args.json) console.log(JSON.stringify(gradeReportJson(exercise.id, graded), null, 2));
  else if (target.folder) printFolder(graded, (performance.now() - started) / 1000);
  else printOne(exercise, graded[0]);
  if (graded.some((g) => 'crash' in g.outcome || g.outcome.badInput)) return 2;
  return graded.every((g) => fileStatus(g) === 'pass') ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(`grade: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 2;
  },
);

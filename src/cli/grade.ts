/**
 * npm run grade -- <exercise-id> <file.ts> [--json] [--seed N] [--backend wasm|cpu]
 *
 * Grades a learner's initializer file against a shipped exercise, in Node, with the fastest TF.js backend that
 * works (WASM, else CPU). Prints a per-layer table and the verdict, or the full result with --json.
 * Exit code: 0 passed, 1 failed, 2 bad input (usage, unknown exercise, unreadable or uncompilable file).
 */
import { readFile } from 'node:fs/promises';
import { formatNumber as fmt, type LabResult } from '../engine/index';
import type { NodeBackend } from './backend';
import { gradeAnswer, type NodeGradeOutcome } from './grade-answer';
import { loadExercise, listExerciseIds } from './exercise-files';

const USAGE = `usage: npm run grade -- <exercise-id> <file.ts> [--json] [--seed N] [--backend wasm|cpu]`;

interface Args { id: string; file: string; json: boolean; seed?: number; backend?: NodeBackend }

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let json = false;
  let seed: number | undefined;
  let backend: NodeBackend | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed needs a non-negative integer, got "${argv[i]}"`);
    } else if (arg === '--backend') {
      const value = argv[++i];
      if (value !== 'wasm' && value !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got "${value}"`);
      backend = value;
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) throw new UsageError(`expected an exercise id and a file, got ${positional.length} argument(s)`);
  return { id: positional[0], file: positional[1], json, seed, backend };
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

function jsonReport(args: Args, outcome: NodeGradeOutcome): unknown {
  return {
    exercise: args.id,
    file: args.file,
    passed: outcome.passed,
    message: outcome.message,
    backend: outcome.backend ?? null,
    error: outcome.error ?? null,
    networks: outcome.results.map((r, i) => ({
      network: r.network, seed: r.seed, batch: r.batch, timings: r.timings, overflowAt: r.overflowAt ?? null,
      verdict: outcome.verdicts[i] ?? null,
      layers: r.layers.map((l) => ({
        index: l.index, name: l.name, kind: l.kind, activation: l.activation, shape: l.shape, fanIn: l.fanIn, fanOut: l.fanOut,
        forwardVar: l.forward.preVar, backwardVar: l.backward?.gradPreVar ?? null, weightGradVar: l.backward?.weightGradVar ?? null,
        forward: l.forward, backward: l.backward ?? null,
      })),
    })),
  };
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`grade: ${error.message}`);
      console.error(USAGE);
      console.error(`exercises: ${(await listExerciseIds().catch(() => [])).join(', ')}`);
      return 2;
    }
    throw error;
  }
  let exercise;
  let source: string;
  try {
    exercise = await loadExercise(args.id);
  } catch (error) {
    console.error(`grade: ${(error as Error).message}`);
    return 2;
  }
  try {
    source = await readFile(args.file, 'utf8');
  } catch (error) {
    console.error(`grade: cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  const outcome = await gradeAnswer(exercise, source, args.file, { seed: args.seed, backend: args.backend });
  if (args.json) {
    console.log(JSON.stringify(jsonReport(args, outcome), null, 2));
  } else {
    console.log(`${exercise.id}: ${exercise.title}`);
    console.log(`file: ${args.file}    backend: ${outcome.backend ?? 'not started'}`);
    for (const result of outcome.results) {
      console.log(`\n${result.network} · batch ${result.batch} · seed ${result.seed} · ${Math.round(result.timings.initMs + result.timings.forwardMs + result.timings.backwardMs)} ms`);
      console.log(table(result));
    }
    console.log(`\n${outcome.passed ? 'PASS' : 'FAIL'}: ${outcome.message}`);
  }
  if (outcome.badInput) return 2;
  return outcome.passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error(`grade: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 2;
  },
);

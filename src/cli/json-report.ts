/**
 * The `--json` report of `npm run grade`, version 1: schemas/grade-report.v1.schema.json describes it.
 * Shaped like Exercism's results.json (v3: version, status, message, tests[] of name/status/message) and
 * Gradescope's tests[], so autograders can read each submission's checks as tests.
 */
import type { SubmissionCheck } from '../engine/index';
import type { GradeOutcome } from './grade-source';

export const REPORT_VERSION = 1;

export type FileStatus = 'pass' | 'fail' | 'error';

export interface GradedFile {
  file: string;
  /** The grader's verdict, or the grader's own failure on this file (a crash, an unreadable file). */
  outcome: GradeOutcome | { crash: string };
}

export interface SubmissionJson {
  file: string;
  status: FileStatus;
  message: string;
  tests: SubmissionCheck[];
  networks: NetworkJson[];
}

interface NetworkJson {
  network: string;
  seed: number;
  batch: number;
  layers: Array<{
    index: number; name: string; kind: string; activation: string; shape: number[]; fanIn: number; fanOut: number;
    weightStd: number; forwardVar: number; backwardVar: number | null; weightGradVar: number | null;
  }>;
}

export interface GradeReportJson {
  version: typeof REPORT_VERSION;
  exercise: string;
  backend: string | null;
  status: FileStatus;
  message: string;
  summary: { files: number; passed: number; failed: number; errors: number };
  submissions: SubmissionJson[];
}

/** pass: every check passed; error: the file could not be graded (compile error, crash, its code threw, timed out, …); fail: otherwise. */
export function fileStatus(graded: GradedFile): FileStatus {
  const { outcome } = graded;
  if ('crash' in outcome) return 'error';
  if (outcome.passed) return 'pass';
  return outcome.error || outcome.badInput ? 'error' : 'fail';
}

export function submissionJson(graded: GradedFile): SubmissionJson {
  const { file, outcome } = graded;
  const status = fileStatus(graded);
  if ('crash' in outcome) return { file, status, message: outcome.crash, tests: [{ name: 'grader', status: 'error', message: outcome.crash }], networks: [] };
  return {
    file, status, message: outcome.message, tests: outcome.checks,
    networks: outcome.results.map((r) => ({
      network: r.network, seed: r.seed, batch: r.batch,
      layers: r.layers.map((l) => ({
        index: l.index, name: l.name, kind: l.kind, activation: l.activation, shape: l.shape, fanIn: l.fanIn, fanOut: l.fanOut,
        weightStd: l.forward.weightStd, forwardVar: l.forward.preVar,
        backwardVar: l.backward?.gradPreVar ?? null, weightGradVar: l.backward?.weightGradVar ?? null,
      })),
    })),
  };
}

export function gradeReportJson(exercise: string, files: GradedFile[]): GradeReportJson {
  const submissions = files.map(submissionJson);
  const count = (status: FileStatus) => submissions.filter((s) => s.status === status).length;
  const summary = { files: submissions.length, passed: count('pass'), failed: count('fail'), errors: count('error') };
  const status: FileStatus = summary.errors ? 'error' : summary.failed ? 'fail' : 'pass';
  const backend = files.map((f) => ('crash' in f.outcome ? undefined : f.outcome.backend)).find(Boolean) ?? null;
  const message = submissions.length === 1 ? submissions[0].message : summaryLine(summary);
  return { version: REPORT_VERSION, exercise, backend, status, message, summary, submissions };
}

export function summaryLine(summary: GradeReportJson['summary']): string {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.errors} could not be graded, of ${summary.files} file(s)`;
}

import type { CheckResult } from './check';
import type { ExerciseReport } from './grading';

/**
 * The table printed when everything passes, one row per graded exercise:
 * exercise │ reference passes │ starter fails │ wrong answers fail with their message │ time
 */
export function formatSummary(result: CheckResult): string {
  if (result.reports.length === 0) return 'No exercise was graded.';
  const header = ['exercise', 'reference passes', 'starter fails', 'wrong answers fail as expected', 'time'];
  const rows = result.reports.map(summaryRow);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' │ ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

function summaryRow(report: ExerciseReport): string[] {
  const mark = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? '✓' : '✗');
  const answers = report.check.answers;
  const wrong = answers.filter((a) => a.role === 'wrong');
  const wrongOk = wrong.filter((a) => a.ok).length;
  return [
    report.id,
    mark(answers.find((a) => a.role === 'solution')?.ok),
    mark(answers.find((a) => a.role === 'starter')?.ok),
    wrong.length === 0 ? 'none listed' : `${wrongOk}/${wrong.length} ${mark(wrongOk === wrong.length)}`,
    `${(report.ms / 1000).toFixed(1)} s`,
  ];
}

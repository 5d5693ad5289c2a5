/**
 * npm run check:content [-- --root <dir>] [--only <id>[,<id>…]] [--no-grade] [--jobs N]
 *
 * Validates every page under content/ and every exercise under exercises/, checks the links between
 * them, and runs each exercise's reference solution (must pass), starter (must fail) and known-wrong
 * answers (must fail with their message) through the headless grader. Prints one line per problem
 * ("file: field or line: what was expected, what was found") and exits 1, or a summary table and 0.
 */
import { parseArgs } from 'node:util';
import { checkContent } from './authoring/check';
import { contentRoot } from './authoring/content-root';
import { formatProblem } from './authoring/problems';
import { formatSummary } from './authoring/summary';
import { closeSharedGraderPool } from '../src/cli/grader-pool';

const USAGE = 'usage: npm run check:content [-- --root <dir>] [--only <id>[,<id>...]] [--no-grade] [--jobs N]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        root: { type: 'string' },
        only: { type: 'string', multiple: true },
        'no-grade': { type: 'boolean' },
        jobs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`check:content: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const root = contentRoot(values.root ?? process.cwd());
  const only = values.only?.flatMap((v) => v.split(',')).filter(Boolean);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
    console.error(`check:content: --jobs needs a whole number ≥ 1, got "${values.jobs}"\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const result = await checkContent(root, {
    only,
    skipGrading: values['no-grade'],
    jobs,
    onExercise: (report) => console.log(`  graded ${report.id} in ${(report.ms / 1000).toFixed(1)} s`),
  });
  await closeSharedGraderPool();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.problems.length > 0) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`\ncheck:content: ${result.problems.length} problem(s) in ${root.root} (${seconds} s)`);
    return 1;
  }
  console.log(formatSummary(result));
  console.log(`check:content: OK: ${result.pages} page(s) (${result.lessons} lesson(s)), ${result.exercises.length} exercise(s), ${result.reports.length} graded (${seconds} s)`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

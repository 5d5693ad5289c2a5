/**
 * Scaffolding for instructors:
 *   npm run new -- lesson <slug> [--title "Title"]
 *   npm run new -- exercise <id> --lesson <lesson-slug> [--title "Title"]
 * Writes files that already pass `npm run check:content`; never overwrites a file.
 * --root <dir> scaffolds into another content root (the tests use a temporary copy).
 */
import { parseArgs } from 'node:util';
import { contentRoot } from './authoring/content-root';
import { ScaffoldError, scaffoldExercise, scaffoldLesson, type ScaffoldResult } from './authoring/scaffold';

const USAGE = `usage:
  npm run new -- lesson <slug> [--title "Title"]
  npm run new -- exercise <id> --lesson <lesson-slug> [--title "Title"]`;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { title: { type: 'string' }, lesson: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`new: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [kind, name, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (extra.length > 0) {
    console.error(`new: unexpected ${extra.map((e) => `"${e}"`).join(' ')} (quote a title with spaces: --title "My title")\n${USAGE}`);
    return 2;
  }
  const root = contentRoot(values.root ?? process.cwd());
  let result: ScaffoldResult;
  try {
    if (kind === 'lesson') result = scaffoldLesson(root, name, { title: values.title });
    else if (kind === 'exercise') result = scaffoldExercise(root, name, { lesson: values.lesson, title: values.title });
    else {
      console.error(`new: expected "lesson" or "exercise", got ${kind ? `"${kind}"` : 'nothing'}\n${USAGE}`);
      return 2;
    }
  } catch (error) {
    if (error instanceof ScaffoldError) {
      console.error(`new: ${error.message}`);
      return 1;
    }
    throw error;
  }
  for (const file of result.created) console.log(`created ${file}`);
  for (const file of result.changed) console.log(`changed ${file}`);
  console.log(`\nNext:\n${result.next.map((line) => `  ${line}`).join('\n')}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

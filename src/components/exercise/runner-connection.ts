/**
 * One runner per page, shared by every exercise block on it, created on first use. The runner's code
 * (and TF.js inside its sandbox) is only fetched when a learner first runs or the editor is ready.
 */
import type { Runner } from '../../runner/client';

let runner: Promise<Runner> | null = null;

export function getRunner(): Promise<Runner> {
  runner ??= import('../../runner/client').then(({ createRunner }) => createRunner());
  runner.catch(() => (runner = null));
  return runner;
}

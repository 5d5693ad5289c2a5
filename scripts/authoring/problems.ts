/**
 * A problem found in the content: which file, where in it (a field, a line, an answer file), and what
 * was expected versus what was found. Printed one per line, so an instructor can jump to it.
 */
export interface Problem {
  /** Path relative to the content root, e.g. "exercises/he-relu/exercise.json". */
  file: string;
  /** Field, line or answer inside the file, e.g. "field `criteria.maxDrift`" or "line 12". */
  where?: string;
  message: string;
}

export function formatProblem({ file, where, message }: Problem): string {
  return where ? `${file}: ${where}: ${message}` : `${file}: ${message}`;
}

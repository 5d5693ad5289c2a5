import path from 'node:path';

/**
 * Where a course's files live. The repository itself is one content root; each test fixture under
 * tests/fixtures/ is another, laid out the same way.
 */
export interface ContentRoot {
  root: string;
  /** Pages: content/index.mdx, content/lessons/*.mdx, content/guide/*.mdx. */
  contentDir: string;
  lessonsDir: string;
  /** One folder per exercise: exercises/<id>/exercise.json, ... */
  exercisesDir: string;
  /** Static files served from the site root (figures), e.g. public/figures/x.svg → /figures/x.svg. */
  publicDir: string;
}

export function contentRoot(root: string): ContentRoot {
  const absolute = path.resolve(root);
  return {
    root: absolute,
    contentDir: path.join(absolute, 'content'),
    lessonsDir: path.join(absolute, 'content', 'lessons'),
    exercisesDir: path.join(absolute, 'exercises'),
    publicDir: path.join(absolute, 'public'),
  };
}

/** Path relative to the root with forward slashes, for messages. */
export function relativeTo(root: ContentRoot, file: string): string {
  return path.relative(root.root, file).split(path.sep).join('/');
}

/** Lesson slugs and exercise ids: lowercase words joined by single hyphens, e.g. "04-relu-he". */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * @tensorflow/tfjs-core's own .d.ts files (with their doc comments), bundled as text for Monaco's
 * TypeScript worker so `tf.` completes and hovers show TF.js's documentation. Loaded lazily with the
 * editor; test declarations are left out.
 */
const files = import.meta.glob(['/node_modules/@tensorflow/tfjs-core/dist/**/*.d.ts', '!**/*_test.d.ts', '!**/*test_util*.d.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
  exhaustive: true,
}) as Record<string, string>;

const prefix = '/node_modules/@tensorflow/tfjs-core/';

/** Paths relative to the package root, e.g. "dist/index.d.ts". */
export const tfjsCoreDeclarations: { path: string; content: string }[] = Object.entries(files).map(([file, content]) => ({
  path: file.slice(prefix.length),
  content,
}));

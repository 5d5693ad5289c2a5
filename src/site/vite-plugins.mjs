// @ts-check
/**
 * Vite plugins of the site (registered in astro.config.mjs):
 * - quizIndex: the virtual module `virtual:initlab/quiz-questions`, the id and lesson of every quiz
 *   question in content/quizzes/*.yaml, for the progress summary (a few hundred bytes instead of the files).
 * - devRunnerWorkers (`astro dev` only): serves each `import url from './x.ts?worker&url'` as one bundled
 *   classic script, as the build does, so the runner (which starts its workers from that source inside
 *   the sandbox frame) works under the dev server. The build is untouched.
 * - devContentReload (`astro dev` only): exercises/ and content/quizzes/ are read by components with
 *   `fs`, outside Vite's module graph; a change there reloads the page, which re-reads them, and a broken
 *   exercise folder's error stays on every page that connects until it is fixed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
// Imported here, not on first request: Astro evaluates this file in a Vite module runner that is closed
// once the config is loaded, so a later dynamic import() fails.
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const quizzesDir = path.join(root, 'content', 'quizzes');
const exercisesDir = path.join(root, 'exercises');

const QUIZ_INDEX_ID = 'virtual:initlab/quiz-questions';
const RESOLVED_QUIZ_INDEX_ID = `\0${QUIZ_INDEX_ID}`;

/** [{ id, lesson }] for every question; malformed files are skipped here (the build reports them through <Quiz>). */
function readQuizIndex() {
  if (!fs.existsSync(quizzesDir)) return [];
  /** @type {{ id: string, lesson: string }[]} */
  const index = [];
  for (const file of fs.readdirSync(quizzesDir).filter((f) => f.endsWith('.yaml')).sort()) {
    try {
      const data = parseYaml(fs.readFileSync(path.join(quizzesDir, file), 'utf8'));
      for (const q of data?.questions ?? []) {
        if (typeof q?.id === 'string') index.push({ id: q.id, lesson: `lessons/${file.slice(0, -'.yaml'.length)}` });
      }
    } catch {
      // Reported by the build and by check:content with the file and field.
    }
  }
  return index;
}

/** @returns {import('vite').Plugin} */
export function quizIndex() {
  return {
    name: 'initlab-quiz-index',
    resolveId: (id) => (id === QUIZ_INDEX_ID ? RESOLVED_QUIZ_INDEX_ID : undefined),
    load(id) {
      if (id !== RESOLVED_QUIZ_INDEX_ID) return undefined;
      return `export default ${JSON.stringify(readQuizIndex())};`;
    },
  };
}

const DEV_WORKER_ID = '\0initlab-dev-worker:';
const DEV_WORKER_URL = '/@initlab/dev-worker/';

/** @returns {import('vite').Plugin} */
export function devRunnerWorkers() {
  /** @type {Map<string, import('esbuild').BuildContext>} */
  const contexts = new Map();
  return {
    name: 'initlab-dev-runner-workers',
    apply: 'serve',
    enforce: 'pre',
    async resolveId(source, importer) {
      const match = source.match(/^(.*)\?worker&url$/);
      if (!match || !importer) return undefined;
      const resolved = await this.resolve(match[1], importer, { skipSelf: true });
      if (!resolved) return undefined;
      return DEV_WORKER_ID + resolved.id.split('?')[0];
    },
    load(id) {
      if (!id.startsWith(DEV_WORKER_ID)) return undefined;
      const file = path.relative(root, id.slice(DEV_WORKER_ID.length)).split(path.sep).join('/');
      return `export default ${JSON.stringify(DEV_WORKER_URL + file)};`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_WORKER_URL, async (req, res) => {
        const file = path.resolve(root, decodeURIComponent((req.url ?? '').split('?')[0].replace(/^\//, '')));
        if (!file.startsWith(path.join(root, 'src') + path.sep) || !fs.existsSync(file)) {
          res.statusCode = 404;
          res.end(`no worker source ${file}`);
          return;
        }
        try {
          let context = contexts.get(file);
          if (!context) {
            context = await esbuild.context({
              entryPoints: [file],
              bundle: true,
              format: 'iife',
              platform: 'browser',
              target: 'es2022',
              write: false,
              sourcemap: 'inline',
              alias: { '~': path.join(root, 'src') },
              define: { 'import.meta.env.DEV': 'true', 'import.meta.env.PROD': 'false', 'import.meta.env.SSR': 'false' },
              logLevel: 'silent',
            });
            contexts.set(file, context);
          }
          // Incremental: rebuilding after an edit takes a fraction of the first build.
          const result = await context.rebuild();
          res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
          res.setHeader('Cache-Control', 'no-store');
          res.end(result.outputFiles?.[0]?.text ?? '');
        } catch (error) {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(`could not bundle ${path.relative(root, file)}: ${/** @type {Error} */ (error).message}`);
        }
      });
      server.httpServer?.once('close', () => contexts.forEach((c) => void c.dispose()));
    },
  };
}

/** @returns {import('vite').Plugin} */
export function devContentReload() {
  return {
    name: 'initlab-dev-content-reload',
    apply: 'serve',
    configureServer(server) {
      const watched = [exercisesDir, quizzesDir].filter((dir) => fs.existsSync(dir));
      server.watcher.add(watched);
      // Astro reports a render error over Vite's socket a moment after the page's response; a page that is
      // still reloading then misses it and shows a page cut off at the exercise. So a broken exercise
      // folder is checked here with the build's own loader, and its error is sent to every page that
      // connects until the folder loads again.
      /** @type {Map<string, { message: string, stack: string, id: string, plugin: string }>} */
      const brokenExercises = new Map();
      server.ws.on('connection', (/** @type {{ send(data: string): void }} */ socket) => {
        for (const err of brokenExercises.values()) socket.send(JSON.stringify({ type: 'error', err }));
      });
      const checkExerciseFolder = async (/** @type {string} */ file) => {
        const id = path.relative(exercisesDir, file).split(path.sep)[0];
        if (!id || !fs.existsSync(path.join(exercisesDir, id, 'exercise.json'))) {
          brokenExercises.delete(id);
          return;
        }
        try {
          const { loadExercise } = await server.ssrLoadModule('/src/components/exercise/load-exercise.ts');
          await loadExercise(id, `exercises/${id}`);
          brokenExercises.delete(id);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          brokenExercises.set(id, { message, stack: '', id: path.join(exercisesDir, id, 'exercise.json'), plugin: 'initlab-dev-content-reload' });
        }
      };
      const onChange = async (/** @type {string} */ file) => {
        if (!watched.some((dir) => file.startsWith(dir + path.sep))) return;
        if (file.startsWith(quizzesDir)) {
          const index = server.moduleGraph.getModuleById(RESOLVED_QUIZ_INDEX_ID);
          if (index) server.moduleGraph.invalidateModule(index);
        } else {
          await checkExerciseFolder(file);
        }
        server.ws.send({ type: 'full-reload', path: '*' });
      };
      server.watcher.on('change', onChange);
      server.watcher.on('add', onChange);
      server.watcher.on('unlink', onChange);
    },
  };
}

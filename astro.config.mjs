// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import preact from '@astrojs/preact';
import remarkMath from 'remark-math';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import rehypeKatexStrict from './src/markdown/rehype-katex-strict.mjs';
import { COURSE_PARTS } from './src/site/course-parts.mjs';
import { devContentReload, devRunnerWorkers, quizIndex } from './src/site/vite-plugins.mjs';

const contentDir = fileURLToPath(new URL('./content/', import.meta.url));

/** Page names (file names without extension) in a folder of content/, sorted. */
function pageNamesIn(/** @type {string} */ folder) {
  const dir = `${contentDir}${folder}`;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.mdx?$/.test(f) && !f.startsWith('_'))
    .map((f) => f.replace(/\.mdx?$/, ''))
    .sort();
}

/**
 * Sidebar grouped by course part. Only lessons that exist are listed (Starlight fails the build on a
 * sidebar slug with no page); a lesson file that is in no part is listed in a last group, with a warning.
 * Instructor pages (content/guide/) come last.
 */
function courseSidebar() {
  const onDisk = pageNamesIn('lessons');
  const listed = new Set(COURSE_PARTS.flatMap((p) => p.lessons));
  /** @type {any[]} */
  const groups = COURSE_PARTS.map((part) => ({
    label: part.label,
    items: part.lessons.filter((name) => onDisk.includes(name)).map((name) => `lessons/${name}`),
  })).filter((g) => g.items.length > 0);
  const unlisted = onDisk.filter((name) => !listed.has(name));
  if (unlisted.length > 0) {
    console.warn(`[initlab] lessons not in any course part (add them to src/site/course-parts.mjs): ${unlisted.join(', ')}`);
    groups.push({ label: 'More lessons', items: unlisted.map((name) => `lessons/${name}`) });
  }
  // Listed explicitly: Starlight's `autogenerate` expects pages under src/content/docs/ and finds none in content/.
  const guide = pageNamesIn('guide');
  if (guide.length > 0) groups.push({ label: 'For instructors', items: guide.map((name) => `guide/${name}`) });
  return groups;
}

// Cross-origin isolation: the exercise runner's WASM backend uses threads (SharedArrayBuffer).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  site: 'https://initlab.example',
  server: { headers: crossOriginIsolation },
  integrations: [
    starlight({
      title: 'initlab',
      description: 'Why deep networks explode or vanish at initialization, and how to initialize them well.',
      editLink: { baseUrl: 'https://github.com/initlab/initlab/edit/main/' },
      customCss: ['katex/dist/katex.min.css', './src/styles/site.css'],
      components: {
        PageTitle: './src/components/LessonPageTitle.astro',
        // Adds the progress script: sidebar badges for lessons with exercises, the landing page's summary.
        Head: './src/components/exercise/HeadWithProgress.astro',
      },
      sidebar: courseSidebar(),
      lastUpdated: false,
      // Code blocks wrap long lines instead of scrolling: a scrolling block becomes an unnamed
      // role="region" (Expressive Code's script), and two of them on a page break landmark-unique.
      expressiveCode: { defaultProps: { wrap: true } },
    }),
    preact(),
  ],
  vite: {
    plugins: [quizIndex(), devRunnerWorkers(), devContentReload()],
    // Lessons import components without extension (`~/components/widgets/AlexNetTable`), .astro ones too.
    resolve: {
      extensions: ['.mjs', '.js', '.mts', '.ts', '.jsx', '.tsx', '.json', '.astro'],
      // `~/` is src/ (tsconfig paths); spelled out here too because Vite's worker bundles do not see tsconfig paths.
      alias: [{ find: /^~\//, replacement: fileURLToPath(new URL('./src/', import.meta.url)) }],
    },
  },
  markdown: {
    remarkPlugins: [remarkMath],
    rehypePlugins: [[rehypeKatexStrict, { strict: 'ignore' }]],
  },
});

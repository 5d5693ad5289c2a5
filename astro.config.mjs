// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import preact from '@astrojs/preact';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';

export default defineConfig({
  site: 'https://initlab.example',
  integrations: [
    starlight({
      title: 'initlab',
      description: 'Why deep networks explode or vanish at initialization, and how to initialize them well.',
      editLink: { baseUrl: 'https://github.com/initlab/initlab/edit/main/' },
      customCss: ['katex/dist/katex.min.css'],
      sidebar: [
        { label: 'Course', autogenerate: { directory: 'lessons' } },
      ],
    }),
    preact(),
  ],
  markdown: {
    remarkPlugins: [remarkMath],
    rehypePlugins: [[rehypeKatex, { throwOnError: true, strict: 'ignore' }]],
  },
});

/**
 * Checks every page under content/ the way the site build would see it: frontmatter against the
 * site's own schema (src/site/page-schema.ts), the MDX compiled with the site's math plugins (so a
 * syntax error or a formula KaTeX cannot render is reported with its line), components used without
 * an import, and collects the exercise blocks and internal links for the cross-checks in links.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compile } from '@mdx-js/mdx';
import { parseFrontmatter } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import { z } from 'astro/zod';
import rehypeKatexStrict from '../../src/markdown/rehype-katex-strict.mjs';
import { frontmatterIssues, isLessonEntry, lessonFields, pageSchema, unknownFrontmatterKeys } from '../../src/site/page-schema';
import { relativeTo, type ContentRoot } from './content-root';
import type { Problem } from './problems';

export interface PageRef {
  value: string;
  line: number | undefined;
}

export interface LessonMention {
  number: number;
  /** The link's target when the mention is a link's whole text, e.g. [lesson 2](/lessons/02-variance-of-a-sum/). */
  url?: string;
  line: number | undefined;
}

export interface PageInfo {
  /** Collection id: path under content/ without extension, e.g. "lessons/04-relu-he", "index". */
  id: string;
  /** Path relative to the content root, for messages. */
  file: string;
  isLesson: boolean;
  /** The URL the site serves the page at, e.g. "/lessons/04-relu-he/", "/". */
  url: string;
  frontmatter: Record<string, unknown>;
  /** Ids named by `<Exercise id="..." />` blocks. */
  exercises: PageRef[];
  /** Site-internal link targets (starting with "/"), from Markdown links and JSX href/src attributes. */
  links: PageRef[];
  /** "lesson N" in the text: bare, or as the text of a link (then `url` is its target). */
  lessonMentions: LessonMention[];
  /** False when the MDX did not compile: `exercises` and `links` are then incomplete. */
  compiled: boolean;
}

/** Pages under content/, in a stable order. Files starting with "_" are not pages (Astro's rule). */
export function listPageFiles(root: ContentRoot): string[] {
  if (!fs.existsSync(root.contentDir)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.mdx?$/.test(entry.name)) found.push(full);
    }
  };
  walk(root.contentDir);
  return found;
}

export function pageUrl(id: string): string {
  if (id === 'index') return '/';
  return `/${id.replace(/\/index$/, '')}/`;
}

/** Starlight's schema needs the collection's image() helper; frontmatter images are plain paths here. */
const frontmatterSchema = pageSchema({ image: () => z.string() } as unknown as Parameters<typeof pageSchema>[0]);

export async function checkPages(root: ContentRoot): Promise<{ pages: PageInfo[]; problems: Problem[] }> {
  const pages: PageInfo[] = [];
  const problems: Problem[] = [];
  for (const fullPath of listPageFiles(root)) {
    const { page, problems: found } = await checkPage(root, fullPath);
    problems.push(...found);
    if (page) pages.push(page);
  }
  return { pages, problems };
}

async function checkPage(root: ContentRoot, fullPath: string): Promise<{ page?: PageInfo; problems: Problem[] }> {
  const file = relativeTo(root, fullPath);
  const id = path.relative(root.contentDir, fullPath).split(path.sep).join('/').replace(/\.mdx?$/, '');
  const problems: Problem[] = [];
  const source = fs.readFileSync(fullPath, 'utf8');

  let frontmatter: Record<string, unknown>;
  let body: string;
  try {
    // Blank lines in place of the frontmatter keep MDX line numbers equal to the file's.
    const parsed = parseFrontmatter(source, { frontmatter: 'empty-with-lines' });
    frontmatter = parsed.frontmatter;
    body = parsed.content;
  } catch (error) {
    problems.push(yamlProblem(file, error));
    return { problems };
  }
  if (!source.startsWith('---')) {
    problems.push({ file, where: 'frontmatter', message: 'missing: a page starts with a `---` block holding at least `title:`' });
  }

  const isLesson = isLessonEntry(id);
  const checks = [frontmatterSchema.safeParse(frontmatter), ...(isLesson ? [lessonFields.safeParse(frontmatter)] : [])];
  const seen = new Set<string>();
  for (const { field, message } of unknownFrontmatterKeys(frontmatter)) problems.push({ file, where: `frontmatter field \`${field}\``, message });
  for (const result of checks) {
    if (result.success) continue;
    // The lesson fields are in both schemas (optional in one): report each issue once.
    for (const { field, message } of frontmatterIssues(result.error)) {
      const where = `frontmatter field \`${field}\``;
      if (seen.has(`${where}: ${message}`)) continue;
      seen.add(`${where}: ${message}`);
      problems.push({ file, where, message });
    }
  }

  const page: PageInfo = { id, file, isLesson, url: pageUrl(id), frontmatter, exercises: [], links: [], lessonMentions: [], compiled: false };
  const vfile = { path: fullPath, value: body };
  try {
    await compile(vfile, {
      // Astro reads .md as plain Markdown (no JSX, no expressions) and .mdx as MDX.
      format: fullPath.endsWith('.mdx') ? 'mdx' : 'md',
      remarkPlugins: [remarkMath, [collectReferences, { page, problems }]],
      // The same strict KaTeX step as astro.config.mjs: a formula that cannot render is an error.
      rehypePlugins: [[rehypeKatexStrict, { strict: 'ignore' }]],
    });
    page.compiled = true;
  } catch (error) {
    problems.push(...compileProblems(file, error));
  }
  return { page, problems };
}

/** Problem lines for an error from compiling Markdown/MDX with the site's plugins (also used for task.md). */
export function compileProblems(file: string, error: unknown): Problem[] {
  const e = error as { name?: string; message?: string; line?: number; column?: number; reason?: string };
  if (e.name === 'KaTeXFormulaError') {
    // One entry per formula in the message of src/markdown/rehype-katex-strict.mjs:
    // "  <file>:<line>: cannot render formula `<tex>`\n    <KaTeX's reason>".
    const formulas = [...String(e.message).matchAll(/:(\d+): cannot render formula (`[^\n]*`)\n\s*([^\n]*)/g)];
    if (formulas.length > 0) {
      return formulas.map(([, line, tex, reason]) => ({ file, where: `line ${line}`, message: `KaTeX cannot render ${tex}: ${reason}` }));
    }
  }
  // Some MDX errors carry no line of their own, only "(line:column-line:column)" in their reason.
  const reason = e.reason ?? firstLine(error);
  const inReason = /\((\d+):(\d+)(?:-\d+:\d+)?\)/.exec(reason);
  const line = e.line ?? (inReason ? Number(inReason[1]) : undefined);
  const column = e.line ? e.column : inReason ? Number(inReason[2]) : undefined;
  const where = line ? `line ${line}${column ? `:${column}` : ''}` : 'MDX';
  let message = `MDX cannot compile: ${reason.replace(inReason?.[0] ?? '', '').trim()}`;
  if (/Could not parse import\/exports/.test(reason)) {
    message += ' (an import line needs a blank line after it, and a line of text cannot start with "import" or "export")';
  }
  return [{ file, where, message }];
}

/** js-yaml's "reason (line:column)"; its line is the file's, as the frontmatter starts on line 2. */
function yamlProblem(file: string, error: unknown): Problem {
  const text = firstLine(error);
  const position = /\((\d+):(\d+)\)\s*$/.exec(text);
  const reason = position ? text.slice(0, position.index).trim() : text;
  const hint = /bad indentation of a mapping entry/.test(reason) ? ' (a value that contains ": " needs double quotes)' : '';
  return { file, where: position ? `line ${position[1]}:${position[2]}` : 'frontmatter', message: `frontmatter is not valid YAML: ${reason}${hint}` };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}

type Node = {
  type: string;
  name?: string | null;
  url?: string;
  value?: string;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: Node[];
  position?: { start: { line: number } };
  data?: { estree?: { body: { type: string; specifiers?: { local: { name: string } }[] }[] } };
};

function plainText(node: Node): string {
  return node.type === 'text' ? node.value ?? '' : (node.children ?? []).map(plainText).join('');
}

/** Where the components an instructor is most likely to use come from, for the missing-import message. */
const KNOWN_IMPORTS: Record<string, string> = {
  Exercise: "import Exercise from '~/components/Exercise.astro';",
  Aside: "import { Aside } from '@astrojs/starlight/components';",
  Tabs: "import { Tabs, TabItem } from '@astrojs/starlight/components';",
  TabItem: "import { Tabs, TabItem } from '@astrojs/starlight/components';",
  Card: "import { Card } from '@astrojs/starlight/components';",
  Steps: "import { Steps } from '@astrojs/starlight/components';",
};

/** `{/* … *\/}` is how MDX spells a comment; any other `{…}` in text is a JavaScript expression. */
function isComment(expression: string): boolean {
  return /^\s*\/\*[\s\S]*\*\/\s*$/.test(expression);
}

/** Names that MDX resolves without an import: lowercase HTML elements and member expressions. */
function needsImport(name: string): boolean {
  return /^[A-Z]/.test(name) && !name.includes('.');
}

/**
 * remark plugin: records `<Exercise id>` blocks and internal links on the page, and reports
 * capitalised components that the page never imports (MDX compiles them, the build then fails).
 */
function collectReferences({ page, problems }: { page: PageInfo; problems: Problem[] }) {
  return (tree: Node) => {
    const imported = new Set<string>();
    const used: { name: string; line: number | undefined }[] = [];
    const visit = (node: Node, inLink = false) => {
      const line = node.position?.start.line;
      if (node.type === 'link') {
        const text = plainText(node).trim();
        const match = /^lesson (\d+)$/i.exec(text);
        if (match) page.lessonMentions.push({ number: Number(match[1]), url: node.url, line });
      } else if (node.type === 'text' && !inLink) {
        for (const match of (node.value ?? '').matchAll(/\blesson (\d+)\b/gi)) page.lessonMentions.push({ number: Number(match[1]), line });
      }
      if (node.type === 'mdxjsEsm') {
        for (const statement of node.data?.estree?.body ?? []) {
          for (const specifier of statement.specifiers ?? []) imported.add(specifier.local.name);
        }
      }
      if (node.type === 'link' && node.url?.startsWith('/')) page.links.push({ value: node.url, line });
      if ((node.type === 'mdxTextExpression' || node.type === 'mdxFlowExpression') && !isComment(node.value ?? '')) {
        problems.push({
          file: page.file,
          where: `line ${line}`,
          message: `{${node.value}} is run as JavaScript and shows only its value; for literal braces write \\{ and \\}, or put the text in $…$ or \`…\``,
        });
      }
      if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name) {
        if (needsImport(node.name)) used.push({ name: node.name, line });
        for (const attribute of node.attributes ?? []) {
          if (attribute.type !== 'mdxJsxAttribute') continue;
          if ((attribute.name === 'href' || attribute.name === 'src') && typeof attribute.value === 'string' && attribute.value.startsWith('/')) {
            page.links.push({ value: attribute.value, line });
          }
        }
        if (node.name === 'Exercise') {
          const idAttribute = node.attributes?.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'id');
          if (!idAttribute || typeof idAttribute.value !== 'string' || idAttribute.value === '') {
            problems.push({
              file: page.file,
              where: `line ${line}`,
              message: '<Exercise> needs a plain string id naming a folder in exercises/, e.g. <Exercise id="he-relu" />',
            });
          } else {
            page.exercises.push({ value: idAttribute.value, line });
          }
        }
      }
      for (const child of node.children ?? []) visit(child, inLink || node.type === 'link');
    };
    visit(tree);
    const reported = new Set<string>();
    for (const { name, line } of used) {
      if (imported.has(name) || reported.has(name)) continue;
      reported.add(name);
      const fix = KNOWN_IMPORTS[name] ? `add \`${KNOWN_IMPORTS[name]}\` below the frontmatter` : 'import it below the frontmatter';
      problems.push({ file: page.file, where: `line ${line}`, message: `<${name}> is used but never imported; ${fix}` });
    }
  };
}

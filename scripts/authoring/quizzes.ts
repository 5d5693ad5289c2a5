/**
 * The quizzes (content/quizzes/<lesson-slug>.yaml): each file against the quiz schema (whose checks
 * include "the stated answer passes its own tolerance" and "every option has an explanation"), its
 * Markdown and math rendered as the build will, question ids unique across the course (they key saved
 * progress), every <Quiz file="..."> naming a file, and every file shown by its lesson.
 */
import fs from 'node:fs';
import path from 'node:path';
import { relativeTo, type ContentRoot } from './content-root';
import type { PageInfo } from './pages';
import type { Problem } from './problems';
import { quietly } from './exercises';
import { parseQuizYaml, QuizSpecError } from '../../src/quiz/quiz-schema';
import { loadQuiz, QuizLoadError } from '../../src/quiz/load-quiz';

const QUIZ_BLOCK = /<Quiz\b[^>]*?\bfile=(?:"([^"]*)"|'([^']*)'|\{([^}]*)\})/g;

export async function checkQuizzes(root: ContentRoot, pages: PageInfo[]): Promise<Problem[]> {
  const dir = path.join(root.contentDir, 'quizzes');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  const problems: Problem[] = [];
  const idOwner = new Map<string, string>();
  const lessons = new Map(pages.filter((p) => p.isLesson).map((p) => [p.id.replace(/^lessons\//, ''), p]));

  // Where each quiz is shown.
  const shownBy = new Map<string, string[]>();
  for (const page of pages) {
    // Code (fenced blocks, inline spans) is blanked out, keeping line numbers: a guide that shows the syntax is not a use.
    const source = fs
      .readFileSync(path.join(root.root, page.file), 'utf8')
      .replace(/```[\s\S]*?```|`[^`\n]*`/g, (code) => code.replace(/[^\n]/g, ' '));
    for (const match of source.matchAll(QUIZ_BLOCK)) {
      const name = match[1] ?? match[2];
      const line = source.slice(0, match.index).split('\n').length;
      if (name === undefined) {
        problems.push({ file: page.file, where: `line ${line}`, message: '<Quiz> needs a plain string file naming a file in content/quizzes/, e.g. <Quiz file="04-relu-he" />' });
      } else if (!fs.existsSync(path.join(dir, `${name}.yaml`))) {
        problems.push({
          file: page.file,
          where: `line ${line}`,
          message: `<Quiz file="${name}"> names no quiz: expected content/quizzes/${name}.yaml (quizzes here: ${files.join(', ') || 'none'})`,
        });
      } else shownBy.set(name, [...(shownBy.get(name) ?? []), page.file]);
    }
  }

  for (const file of files) {
    const full = path.join(dir, file);
    const rel = relativeTo(root, full);
    const name = file.replace(/\.ya?ml$/, '');
    if (file.endsWith('.yml')) {
      problems.push({ file: rel, message: `quiz files end in .yaml: rename it to ${name}.yaml` });
      continue;
    }
    let quiz;
    try {
      quiz = parseQuizYaml(fs.readFileSync(full, 'utf8'), rel);
    } catch (error) {
      if (!(error instanceof QuizSpecError)) throw error;
      for (const issue of error.issues) problems.push(issue.field ? { file: rel, where: `field \`${issue.field}\``, message: issue.message } : { file: rel, message: issue.message });
      continue;
    }
    quiz.questions.forEach((q, i) => {
      const owner = idOwner.get(q.id);
      if (owner && owner !== rel) {
        problems.push({ file: rel, where: `field \`questions[${i}].id\``, message: `"${q.id}" is also a question id in ${owner}; ids key saved progress, so each must be unique in the course` });
      } else idOwner.set(q.id, rel);
    });
    if (!lessons.has(name)) {
      problems.push({ file: rel, message: `names no lesson: a quiz file is named after its lesson, expected one of ${[...lessons.keys()].map((l) => `${l}.yaml`).join(', ')}` });
    } else if (!shownBy.has(name)) {
      problems.push({ file: rel, message: `lesson ${lessons.get(name)!.file} does not show this quiz: add <Quiz file="${name}" /> to it` });
    }
    try {
      await quietly(() => loadQuiz(name, rel, dir));
    } catch (error) {
      if (!(error instanceof QuizLoadError)) throw error;
      problems.push(error.field ? { file: rel, where: `field \`${error.field}\``, message: error.detail! } : { file: rel, message: error.message });
    }
  }
  return problems;
}

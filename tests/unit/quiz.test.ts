/**
 * Quizzes: the arithmetic reader (against JavaScript's Math), numeric grading at a tolerance, the quiz
 * schema's messages (file and field), the course's own quiz files (every stated answer passes, every
 * listed mistake fails, checked against values computed here independently), and quiz progress in
 * the store with export → import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, ArithmeticError } from '../../src/quiz/arithmetic';
import { gradeNumeric, readNumericAnswer, withinTolerance } from '../../src/quiz/answers';
import { numericTarget, parseQuizYaml, QuizSpecError } from '../../src/quiz/quiz-schema';
import { createProgressStore, type KeyValueStorage } from '../../src/progress/store';
import { parseProgressFile } from '../../src/progress/progress-file';

describe('arithmetic', () => {
  it.each([
    ['44', 44],
    ['6.13e-2', 0.0613],
    ['1/64', 1 / 64],
    ['sqrt(2/800)', Math.sqrt(2 / 800)],
    ['1.6 × 10^6', 1.6e6],
    ['2^3^2', 2 ** 9],
    ['-2^2', -4],
    ['(1 + 0.25)^64', 1.25 ** 64],
    ['ceil(ln(0.01) / ln(0.9))', Math.ceil(Math.log(0.01) / Math.log(0.9))],
    ['2 · pi', 2 * Math.PI],
    ['−3', -3],
  ])('%s = %d', (text, value) => {
    expect(evaluate(text)).toBeCloseTo(value, 12);
  });

  it.each(['', '2 +', 'foo(2)', '1/0', '3 4', 'alert(1)', '2 $'])('rejects %j with an ArithmeticError', (text) => {
    expect(() => evaluate(text)).toThrow(ArithmeticError);
  });
});

describe('numeric answers', () => {
  it('reads a trailing unit and thousands separators, and explains a decimal comma', () => {
    expect(readNumericAnswer('44 layers', 'layers')).toEqual({ ok: true, value: 44 });
    expect(readNumericAnswer('1,600,000')).toEqual({ ok: true, value: 1.6e6 });
    const comma = readNumericAnswer('0,05');
    expect(comma.ok).toBe(false);
    expect(!comma.ok && comma.message).toMatch(/decimal comma.*0\.05/);
    const words = readNumericAnswer('about 44', 'layers');
    expect(!words.ok && words.message).toMatch(/Could not read “about 44”.*Give the number in layers/);
  });

  it('accepts within the wider of the two tolerances and nothing outside', () => {
    const tol = { relative: 0.01 };
    expect(withinTolerance(0.0613, Math.sqrt(2 / 1.04) / Math.sqrt(512), tol)).toBe(true);
    expect(withinTolerance(0.0625, Math.sqrt(2 / 1.04) / Math.sqrt(512), tol)).toBe(false);
    expect(withinTolerance(43, 44, { absolute: 0 })).toBe(false);
    expect(withinTolerance(Math.sqrt(2 / 800), 0.05, { absolute: 0 })).toBe(true);
    expect(withinTolerance(45, 44, { absolute: 1, relative: 0.001 })).toBe(true);
  });

  it('grades and recognizes a listed mistake', () => {
    const q = { target: 44, tolerance: { absolute: 0 }, unit: 'layers' };
    expect(gradeNumeric(q, '44')).toEqual({ status: 'correct', value: 44 });
    expect(gradeNumeric(q, '43', [43, 22])).toEqual({ status: 'wrong', value: 43, mistake: 0 });
    expect(gradeNumeric(q, '50', [43, 22])).toEqual({ status: 'wrong', value: 50 });
    expect(gradeNumeric(q, 'forty').status).toBe('unreadable');
  });
});

describe('quiz schema messages name the file and the field', () => {
  const file = 'content/quizzes/x.yaml';
  const problems = (yaml: string) => {
    try {
      parseQuizYaml(yaml, file);
    } catch (error) {
      expect(error).toBeInstanceOf(QuizSpecError);
      expect((error as Error).message.startsWith(`${file}: invalid quiz`)).toBe(true);
      return (error as QuizSpecError).problems;
    }
    throw new Error('expected the quiz to be rejected');
  };

  it('a numeric answer outside its own tolerance of the exact value', () => {
    const yaml = `questions:
  - { id: q, kind: numeric, prompt: p, answer: 0.06, exact: "sqrt(2/512)", tolerance: { relative: 0.01 }, explanation: e }`;
    expect(problems(yaml)).toEqual([
      'questions[0].answer: the stated answer 0.06 is not within 1 % of exact = sqrt(2/512) = 0.0625000, so a learner who types it would be marked wrong',
    ]);
  });

  it('a listed mistake that the tolerance accepts', () => {
    const yaml = `questions:
  - { id: q, kind: numeric, prompt: p, answer: 0.0625, tolerance: { relative: 0.05 }, explanation: e, mistakes: [{ answer: 0.0613, explanation: m }] }`;
    expect(problems(yaml)[0]).toMatch(/^questions\[0\]\.mistakes\[0\]\.answer: 0\.0613 is within 5 % of the answer/);
  });

  it('an option without an explanation, and no correct option', () => {
    const yaml = `questions:
  - id: q
    kind: choice
    prompt: p
    options:
      - { text: a, explanation: because }
      - { text: b }`;
    const found = problems(yaml);
    expect(found.some((p) => p.startsWith('questions[0].options[1].explanation: '))).toBe(true);
  });

  it('two correct options, a duplicate id, a misspelt key, a missing tolerance', () => {
    const yaml = `questions:
  - id: q
    kind: choice
    prompt: p
    options:
      - { text: a, correct: true, explanation: x }
      - { text: b, correct: true, explanation: y }
  - { id: q, kind: numeric, prompt: p, answer: 1, tolerance: {}, explanation: e, explanaton: e }`;
    const found = problems(yaml);
    expect(found).toContain('questions[0].options: expected exactly one option with "correct: true", found 2');
    expect(found.some((p) => p.startsWith('questions[1]') && /explanaton/.test(p))).toBe(true);
    expect(found.some((p) => p.startsWith('questions[1].tolerance: give "absolute", "relative" or both'))).toBe(true);
  });

  it('a YAML syntax error', () => {
    expect(problems('questions:\n  - text: a: b')[0]).toMatch(/^not valid YAML: /);
  });
});

describe("the course's quiz files", () => {
  const dir = path.resolve('content/quizzes');
  const quizzes = fs.readdirSync(dir).map((f) => ({ f, quiz: parseQuizYaml(fs.readFileSync(path.join(dir, f), 'utf8'), f) }));
  const questions = quizzes.flatMap(({ quiz }) => quiz.questions);

  it('every lesson has a quiz and question ids are unique', () => {
    const lessons = fs.readdirSync('content/lessons').filter((f) => f.endsWith('.mdx')).map((f) => f.replace(/\.mdx$/, ''));
    expect(quizzes.map((q) => q.f.replace(/\.yaml$/, '')).sort()).toEqual(expect.arrayContaining(lessons.filter((l) => /^0[1-7]-/.test(l))));
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
  });

  // Independent values, computed here from the lessons' formulas, for the numeric answers.
  const expected: Record<string, number> = {
    'chain-below-one-percent': 44, // first l with 0.9^l < 0.01
    'lecun-std-4096': 1 / 64,
    'std-001-over-8-layers': 0.4096 ** 8,
    'glorot-uniform-limit-1000-250': Math.sqrt(6 / 1250),
    'glorot-backward-factor-1000-250': 0.4,
    'he-std-conv-2304': Math.sqrt(2 / 2304),
    'lecun-factor-in-relu': 0.5,
    'leaky-relu-std-512': Math.sqrt(2 / (1 + 0.04)) / Math.sqrt(512),
    'variance-scaling-fan-avg-uniform': Math.sqrt(6 / 520),
    'conv-5x5-he-std': 0.05,
    'residual-growth-64-blocks': 1.25 ** 64,
  };

  it('the first layer where 0.9^l drops below 1 % is 44', () => {
    let l = 0;
    while (0.9 ** l >= 0.01) l++;
    expect(l).toBe(expected['chain-below-one-percent']);
  });

  it.each(Object.entries(expected))('%s: target, stated answer accepted, mistakes rejected', (id, value) => {
    const q = questions.find((x) => x.id === id);
    expect(q?.kind).toBe('numeric');
    if (q?.kind !== 'numeric') return;
    const target = { target: numericTarget(q), tolerance: q.tolerance, unit: q.unit };
    expect(target.target).toBeCloseTo(value, 10);
    expect(gradeNumeric(target, String(q.answer)).status).toBe('correct');
    for (const m of q.mistakes) expect(gradeNumeric(target, String(m.answer)).status).toBe('wrong');
  });

  it('every multiple-choice question has one correct option and an explanation for each', () => {
    for (const q of questions) {
      if (q.kind !== 'choice') continue;
      expect(q.options.filter((o) => o.correct)).toHaveLength(1);
      for (const o of q.options) expect(o.explanation.length).toBeGreaterThan(20);
    }
  });
});

class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, String(v));
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

describe('quiz progress', () => {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const tick = () => new Date((clock += 1000));

  it('records attempts; a later wrong answer does not undo a correct one', () => {
    const store = createProgressStore(new MemoryStorage(), tick);
    store.recordQuizAttempt('q1', false, '43');
    const second = store.recordQuizAttempt('q1', true, '44');
    const third = store.recordQuizAttempt('q1', false, '45');
    expect(second.correctAt).toBeDefined();
    expect(third).toMatchObject({ attempts: 3, correct: true, correctAt: second.correctAt, lastAnswer: '45' });
    expect(store.recordQuizReveal('q2')).toEqual({ attempts: 0, correct: false, revealed: true });
  });

  it('exports and imports quiz progress, merging with what is there', () => {
    const a = createProgressStore(new MemoryStorage(), tick);
    a.recordQuizAttempt('q1', true, '44');
    a.recordRun('he-relu-50', true, 'ok');
    const file = parseProgressFile(JSON.stringify(a.exportProgress()));
    expect(file.quizzes?.q1).toMatchObject({ attempts: 1, correct: true, lastAnswer: '44' });

    const b = createProgressStore(new MemoryStorage(), tick);
    b.recordQuizAttempt('q1', false, '40');
    b.recordQuizAttempt('q1', false, '41');
    b.recordQuizAttempt('q2', false, '2');
    const summary = b.importProgress(file);
    expect(summary.questions).toBe(1);
    expect(b.getQuizProgress('q1')).toMatchObject({ attempts: 2, correct: true, correctAt: file.quizzes!.q1.correctAt, lastAnswer: '41' });
    expect(b.getQuizProgress('q2')).toMatchObject({ attempts: 1, correct: false });
  });

  it('reads files exported before quizzes existed, and rejects a damaged quiz entry naming it', () => {
    const old = { format: 'initlab-progress', version: 1, exportedAt: '2026-11-01T00:00:00Z', exercises: {} };
    expect(parseProgressFile(JSON.stringify(old)).quizzes).toBeUndefined();
    expect(() => parseProgressFile(JSON.stringify({ ...old, quizzes: { q1: { attempts: -1, correct: true } } }))).toThrow(/quizzes\.q1\.attempts/);
  });

  it('keeps a damaged quiz record in a backup instead of losing it', () => {
    const storage = new MemoryStorage();
    storage.setItem('initlab:quizzes', '{not json');
    const store = createProgressStore(storage, tick);
    expect(store.allQuizProgress()).toEqual({});
    expect([...storage.map.keys()].some((k) => k.startsWith('initlab:backup:initlab:quizzes'))).toBe(true);
  });
});

describe('the authoring guide on quizzes', () => {
  const guide = fs.readFileSync('content/guide/authoring.mdx', 'utf8');
  const section = guide.slice(guide.indexOf('### Quiz block'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];

  it('shows a quiz file the schema accepts', () => {
    expect(parseQuizYaml(example, 'guide').questions.map((q) => q.kind)).toEqual(['numeric', 'choice']);
  });

  it('quotes the message check:content gives for a stated answer outside its tolerance', () => {
    const quoted = /`` (content\/quizzes\/04-relu-he\.yaml): field `([^`]+)`: (.*?) ``/.exec(section)!;
    try {
      parseQuizYaml(example.replace('answer: 0.0295 ', 'answer: 0.03 '), quoted[1]);
      throw new Error('expected a rejection');
    } catch (error) {
      expect((error as QuizSpecError).problems).toEqual([`${quoted[2]}: ${quoted[3]}`]);
    }
  });
});

describe('check:content on quizzes (tests/fixtures/broken-quiz)', () => {
  it('reports each mistake with its file and field, and nothing else', async () => {
    const { checkContent } = await import('../../scripts/authoring/check');
    const { contentRoot } = await import('../../scripts/authoring/content-root');
    const { formatProblem } = await import('../../scripts/authoring/problems');
    const result = await checkContent(contentRoot(path.resolve('tests/fixtures/broken-quiz')), { skipGrading: true });
    expect(result.problems.map(formatProblem)).toEqual([
      'content/lessons/01-quiz.mdx: line 17: <Quiz file="no-such-quiz"> names no quiz: expected content/quizzes/no-such-quiz.yaml (quizzes here: 01-quiz.yaml, 02-orphan.yaml)',
      'content/quizzes/01-quiz.yaml: field `questions[0].answer`: the stated answer 0.06 is not within 1 % of exact = sqrt(2 / 512) = 0.0625000, so a learner who types it would be marked wrong',
      'content/quizzes/01-quiz.yaml: field `questions[0].mistakes[0].answer`: 0.0624 is within 1 % of the answer 0.0625000, so it would be marked correct: tighten the tolerance or drop this mistake',
      'content/quizzes/01-quiz.yaml: field `questions[1].options[1].explanation`: every option needs an explanation (Markdown text): why it is right or why it is wrong',
      'content/quizzes/02-orphan.yaml: names no lesson: a quiz file is named after its lesson, expected one of 01-quiz.yaml',
      "content/quizzes/02-orphan.yaml: field `questions[1].prompt`: cannot render formula `\\frac{1}{2`: KaTeX parse error: Unexpected end of input in a macro argument, expected '}' at end of input: \\frac{1}{2",
    ]);
  }, 60_000);
});

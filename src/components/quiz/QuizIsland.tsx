/**
 * The quiz block's questions: server-rendered as a form per question (prompt, input or options), so the
 * questions are readable before any JavaScript; hydrated to grade answers, reveal explanations and save
 * each attempt to the learner's progress (src/progress/store.ts).
 *
 * Accessibility: each question is a <fieldset> whose <legend> names it and whose prompt describes it;
 * feedback is announced by an aria-live region; "Show the answer" is a disclosure button whose
 * aria-controls points at a region that is always in the DOM (hidden until revealed).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RenderedQuestion } from '../../quiz/load-quiz';
import { describeTolerance, gradeNumeric } from '../../quiz/answers';
import { browserProgressStore, type QuizProgress } from '../../progress/store';

export interface QuizIslandProps {
  questions: RenderedQuestion[];
}

export default function QuizIsland({ questions }: QuizIslandProps) {
  return (
    <ol class="quiz__questions">
      {questions.map((q, i) => (
        <li key={q.id}>
          <QuestionForm question={q} number={i + 1} count={questions.length} />
        </li>
      ))}
    </ol>
  );
}

type Feedback =
  | { tone: 'none' }
  | { tone: 'correct' | 'wrong' | 'unreadable'; text: string; /** Explanation HTML that goes with this answer. */ detailHtml?: string };

function QuestionForm({ question, number, count }: { question: RenderedQuestion; number: number; count: number }) {
  const base = `quiz-q-${question.id}`;
  const store = useMemo(() => {
    if (typeof window === 'undefined') return null;
    try {
      return browserProgressStore();
    } catch {
      return null; // Storage disabled: the quiz still works, nothing is saved.
    }
  }, []);
  const [hydrated, setHydrated] = useState(false);
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<number | null>(null);
  const [feedback, setFeedback] = useState<Feedback>({ tone: 'none' });
  const [revealed, setRevealed] = useState(false);
  const [progress, setProgress] = useState<QuizProgress | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setHydrated(true);
    const saved = store?.getQuizProgress(question.id) ?? null;
    setProgress(saved);
    if (!saved) return;
    if (saved.lastAnswer !== undefined) {
      if (question.kind === 'numeric') setText(saved.lastAnswer);
      else if (/^\d+$/.test(saved.lastAnswer) && +saved.lastAnswer >= 1 && +saved.lastAnswer <= question.options.length) setChoice(+saved.lastAnswer - 1);
    }
    if (saved.revealed || saved.correct) setRevealed(true);
  }, []);

  const record = (correct: boolean, answer: string) => {
    if (store) setProgress(store.recordQuizAttempt(question.id, correct, answer));
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (question.kind === 'numeric') {
      const grade = gradeNumeric(
        { target: question.target, tolerance: question.tolerance, unit: question.unit },
        text,
        question.mistakes.map((m) => m.answer),
      );
      if (grade.status === 'unreadable') {
        setFeedback({ tone: 'unreadable', text: grade.message });
        input.current?.focus();
        return;
      }
      record(grade.status === 'correct', text.trim());
      if (grade.status === 'correct') {
        setFeedback({ tone: 'correct', text: `Correct: ${text.trim()}${question.unit ? ` ${question.unit}` : ''} is right.` });
        setRevealed(true);
      } else {
        const mistake = grade.mistake === undefined ? undefined : question.mistakes[grade.mistake];
        setFeedback({
          tone: 'wrong',
          text: `Not quite: ${text.trim()} is not the answer${describeTolerance(question.tolerance) === 'exactly' ? '' : ` (answers ${describeTolerance(question.tolerance)} of it count)`}.${mistake ? '' : ' Try again, or show the answer.'}`,
          detailHtml: mistake?.explanationHtml,
        });
      }
      return;
    }
    if (choice === null) {
      setFeedback({ tone: 'unreadable', text: 'Choose one of the options first.' });
      return;
    }
    const option = question.options[choice];
    record(option.correct, String(choice + 1));
    setFeedback(
      option.correct
        ? { tone: 'correct', text: 'Correct.', detailHtml: option.explanationHtml }
        : { tone: 'wrong', text: 'Not quite. Try another option, or show the answer.', detailHtml: option.explanationHtml },
    );
    if (option.correct) setRevealed(true);
  };

  const reveal = () => {
    const next = !revealed;
    setRevealed(next);
    if (next && store) setProgress(store.recordQuizReveal(question.id));
  };

  const attempted = (progress?.attempts ?? 0) > 0;
  const status = progress?.correct ? 'answered correctly' : attempted ? `${progress!.attempts} attempt${progress!.attempts === 1 ? '' : 's'}` : '';

  return (
    <form class="quiz-question" data-question-id={question.id} data-state={progress?.correct ? 'correct' : attempted ? 'attempted' : 'new'} onSubmit={onSubmit} noValidate>
      <fieldset aria-describedby={`${base}-prompt`}>
        <legend class="quiz-question__legend">
          Question {number} of {count}
          {status && <span class="quiz-question__status"> ({status})</span>}
        </legend>
        <div class="quiz-question__prompt sl-markdown-content" id={`${base}-prompt`} dangerouslySetInnerHTML={{ __html: question.promptHtml }} />
        {question.kind === 'numeric' ? (
          <div class="quiz-question__numeric">
            <label for={`${base}-input`}>Your answer</label>
            <input
              ref={input}
              id={`${base}-input`}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              spellcheck={false}
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
              aria-describedby={`${base}-format`}
              aria-invalid={feedback.tone === 'unreadable' ? 'true' : undefined}
            />
            {question.unit && <span class="quiz-question__unit">{question.unit}</span>}
            <p class="quiz-question__format" id={`${base}-format`}>
              A number or a formula, e.g. <code>0.05</code>, <code>1.6e6</code>, <code>sqrt(2/800)</code>.
            </p>
          </div>
        ) : (
          <div class="quiz-question__options">
            {question.options.map((option, i) => (
              <label class="quiz-option" key={i} data-chosen={choice === i ? 'true' : undefined}>
                <input type="radio" name={`${base}-choice`} value={String(i + 1)} checked={choice === i} onChange={() => setChoice(i)} />
                <span dangerouslySetInnerHTML={{ __html: option.textHtml }} />
              </label>
            ))}
          </div>
        )}
        <div class="quiz-question__actions">
          <button type="submit" class="quiz-button quiz-button--primary" disabled={!hydrated}>
            Check answer
          </button>
          <button
            type="button"
            class="quiz-button"
            aria-expanded={revealed ? 'true' : 'false'}
            aria-controls={`${base}-answer`}
            disabled={!hydrated || !(attempted || revealed)}
            onClick={reveal}
          >
            {revealed ? 'Hide the answer' : 'Show the answer'}
          </button>
        </div>
        <div class="quiz-question__feedback" role="status" aria-live="polite" data-tone={feedback.tone}>
          {feedback.tone !== 'none' && <p class="quiz-question__verdict">{feedback.text}</p>}
          {feedback.tone !== 'none' && feedback.detailHtml && !revealed && (
            <div class="sl-markdown-content" dangerouslySetInnerHTML={{ __html: feedback.detailHtml }} />
          )}
        </div>
        <div class="quiz-question__answer" id={`${base}-answer`} hidden={!revealed}>
          {revealed && <Answer question={question} />}
        </div>
      </fieldset>
    </form>
  );
}

function Answer({ question }: { question: RenderedQuestion }) {
  if (question.kind === 'numeric') {
    return (
      <>
        <p class="quiz-question__verdict">
          Answer: <strong>{formatNumber(question.answer)}{question.unit ? ` ${question.unit}` : ''}</strong> (accepted {describeTolerance(question.tolerance)}).
        </p>
        <div class="sl-markdown-content" dangerouslySetInnerHTML={{ __html: question.explanationHtml }} />
      </>
    );
  }
  return (
    <>
      <ul class="quiz-question__explanations">
        {question.options.map((option, i) => (
          <li key={i} data-correct={option.correct ? 'true' : 'false'}>
            <p class="quiz-question__verdict">
              <strong>{option.correct ? 'Right' : 'Wrong'}:</strong> <span dangerouslySetInnerHTML={{ __html: option.textHtml }} />
            </p>
            <div class="sl-markdown-content" dangerouslySetInnerHTML={{ __html: option.explanationHtml }} />
          </li>
        ))}
      </ul>
      {question.explanationHtml && <div class="sl-markdown-content" dangerouslySetInnerHTML={{ __html: question.explanationHtml }} />}
    </>
  );
}

/** 44 → "44", 0.015625 → "0.015625", 1.6e6 → "1.6 × 10^6". */
function formatNumber(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-4)) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${mantissa} × 10^${Number(exponent)}`;
  }
  return String(value);
}

/**
 * A training exercise's curves: for each graded seed, the learner's training loss and held-out accuracy over
 * the steps against the reference solution's (measured by the same runner on the same backend), with the same
 * numbers in a table.
 */
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import UPlotChart, { forLogScale, logAxis } from '../widgets/lib/UPlotChart';
import type { ChartColors } from '../widgets/lib/theme';
import type { TrainPoint } from '../../runner/protocol';
import { alignedCurves, type SeedCurve } from './results-model';

export interface TrainingCurvesProps {
  /** The criterion's seeds, in grading order. */
  seeds: number[];
  steps: number;
  learner: SeedCurve[];
  reference: SeedCurve[] | null;
  /** True once grading has ended (a seed without a curve was then not trained). */
  finished: boolean;
}

const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const lossText = (x: number | null) => (x === null ? '—' : Number.isFinite(x) ? x.toFixed(3) : String(x));
const loss = (p: TrainPoint) => p.loss;
const accuracy = (p: TrainPoint) => p.heldOutAccuracy;

export function TrainingCurves({ seeds, steps, learner, reference, finished }: TrainingCurvesProps) {
  const shown = seeds.filter((seed) => learner.some((c) => c.seed === seed));
  // The table's rows are built only while it is open: while grading streams points, a closed table costs nothing.
  const [tableOpen, setTableOpen] = useState(false);
  const skipped = finished ? seeds.filter((seed) => !shown.includes(seed)) : [];
  const rows = useMemo(
    () =>
      !tableOpen ? [] : shown.flatMap((seed) => {
        const mine = learner.find((c) => c.seed === seed);
        const ref = reference?.find((c) => c.seed === seed);
        const l = alignedCurves(mine, ref, loss);
        const a = alignedCurves(mine, ref, accuracy);
        return l.steps.map((step, i) => ({ seed, step, loss: l.learner[i], refLoss: l.reference[i], acc: a.learner[i], refAcc: a.reference[i] }));
      }),
    [tableOpen, shown.join(), learner, reference],
  );
  const points = shown.reduce((sum, seed) => sum + (learner.find((c) => c.seed === seed)?.points.length ?? 0), 0);
  if (shown.length === 0) return null;
  return (
    <section class="exercise-training" aria-label="Training curves">
      <div class="exercise-plots">
        {shown.map((seed) => (
          <SeedPlots
            key={seed}
            seed={seed}
            steps={steps}
            learner={learner.find((c) => c.seed === seed)}
            reference={reference?.find((c) => c.seed === seed)}
          />
        ))}
      </div>
      {skipped.length > 0 && (
        <p class="exercise-reference-note">
          Seed{skipped.length > 1 ? 's' : ''} {skipped.join(', ')} not trained: grading stops at the first seed that fails.
        </p>
      )}
      <details class="exercise-table" onToggle={(e) => setTableOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>The training curves as a table ({points} points)</summary>
        <div class="exercise-table-scroll">
          <table>
            <caption class="sr-only">Training loss and held-out accuracy per step, yours and the reference</caption>
            <thead>
              <tr>
                <th scope="col">Seed, step</th>
                <th scope="col">Training loss, yours</th>
                <th scope="col">Training loss, reference</th>
                <th scope="col">Held-out accuracy, yours</th>
                <th scope="col">Held-out accuracy, reference</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.seed}-${r.step}`}>
                  <th scope="row">seed {r.seed}, step {r.step}</th>
                  <td>{lossText(r.loss)}</td>
                  <td>{lossText(r.refLoss)}</td>
                  <td>{percent(r.acc)}</td>
                  <td>{percent(r.refAcc)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

function summary(what: string, curve: SeedCurve | undefined, value: (p: TrainPoint) => number, text: (x: number) => string): string {
  const first = curve?.points[0];
  const last = curve?.points.at(-1);
  if (!first || !last) return 'no points yet';
  return `${what} ${text(value(first))} at step ${first.step}, ${text(value(last))} at step ${last.step}${curve?.diverged ? `, diverged at step ${curve.diverged.step}` : ''}`;
}

function SeedPlots({ seed, steps, learner, reference }: { seed: number; steps: number; learner?: SeedCurve; reference?: SeedCurve }) {
  const lossData = useMemo(() => {
    const c = alignedCurves(learner, reference, loss);
    return [c.steps, forLogScale(c.learner.map((v) => v ?? NaN)), forLogScale(c.reference.map((v) => v ?? NaN))] as unknown as uPlot.AlignedData;
  }, [learner, reference]);
  const accuracyData = useMemo(() => {
    const c = alignedCurves(learner, reference, accuracy);
    return [c.steps, c.learner, c.reference] as unknown as uPlot.AlignedData;
  }, [learner, reference]);
  const series = (colors: ChartColors): uPlot.Series[] => [
    { label: '' },
    { label: 'your initializer', stroke: colors.series[1], width: 2, points: { show: false } },
    { label: 'reference', stroke: colors.series[0], width: 1.5, dash: [6, 4], points: { show: false } },
  ];
  const lossLabel = `Training loss for seed ${seed} over ${steps} steps (log scale): yours ${summary('from', learner, loss, lossText)}; reference ${reference ? summary('from', reference, loss, lossText) : 'not measured yet'}.`;
  const accuracyLabel = `Held-out accuracy for seed ${seed}: yours ${summary('from', learner, accuracy, (x) => percent(x))}; reference ${reference ? summary('from', reference, accuracy, (x) => percent(x)) : 'not measured yet'}.`;
  return (
    <figure class="exercise-plot">
      <figcaption>Seed {seed}: training loss and held-out accuracy</figcaption>
      <UPlotChart
        class="exercise-plot-canvas"
        label={lossLabel}
        data={lossData}
        height={200}
        layoutKey={`loss-${seed}-${steps}`}
        options={(colors) => ({
          scales: { x: { time: false, range: [0, steps] }, y: { distr: 3, log: 10 } },
          legend: { show: true, live: false },
          axes: [{ label: 'step', labelSize: 18, size: 36 }, { ...logAxis('training loss'), labelSize: 18, size: 64 }],
          series: series(colors),
        })}
      />
      <UPlotChart
        class="exercise-plot-canvas exercise-plot-canvas--short"
        label={accuracyLabel}
        data={accuracyData}
        height={170}
        layoutKey={`accuracy-${seed}-${steps}`}
        options={(colors) => ({
          scales: { x: { time: false, range: [0, steps] }, y: { range: [0, 1] } },
          legend: { show: false },
          axes: [
            { label: 'step', labelSize: 18, size: 36 },
            { label: 'held-out accuracy', labelSize: 18, size: 64, values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)} %`) },
          ],
          series: series(colors),
        })}
      />
    </figure>
  );
}

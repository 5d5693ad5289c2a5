/**
 * Everything below the editor after Run: the verdict (a live region, with the training progress while a
 * training exercise grades), which backend ran and why, a training exercise's curves against the
 * reference's, the per-layer variance plots (forward and backward), the activation histograms and a table
 * of the same numbers.
 */
import { useMemo } from 'preact/hooks';
import type { Exercise } from '../../engine/exercise-schema';
import type { BackendReport } from '../../runner/protocol';
import type { ReferenceMeasurement } from './reference-run';
import { TrainingCurves } from './TrainingCurves';
import type { RunPhase, StreamedNetworks } from './ExerciseIsland';
import { VariancePlot } from './VariancePlot';
import { Histograms } from './Histograms';
import { formatNumber } from '../../engine/format';
import { allowedBands, describeBackend, networkLayerCount, seriesOf, type TrainingCurves as TrainingCurvesData, type TrainProgressNote } from './results-model';

interface ResultsPanelProps {
  spec: Exercise;
  phase: RunPhase;
  networks: StreamedNetworks;
  /** A training exercise's curves (streamed while grading, then the grader's). */
  training: TrainingCurvesData;
  trainProgress: TrainProgressNote | null;
  reference: ReferenceMeasurement | null;
  referenceNote: string;
  backendReport: BackendReport | null;
  domId: string;
}

const ERROR_TITLES: Record<string, string> = {
  compile: 'Your file could not be loaded',
  runtime: 'Your initializer stopped with an error',
  timeout: 'Time limit reached',
  memory: 'Out of memory',
  'device-lost': 'The GPU stopped responding',
  'invalid-weights': 'Your initializer returned unusable weights',
  'backend-unavailable': 'That backend cannot run here',
  editor: 'The editor is not ready',
};

export function ResultsPanel({ spec, phase, networks, training, trainProgress, reference, referenceNote, backendReport, domId }: ResultsPanelProps) {
  /** The layer the grader (or an error) points at, per network. */
  const flaggedIn = (networkIndex: number): number | undefined =>
    phase.kind === 'done'
      ? phase.verdicts[networkIndex]?.firstBadLayer
      : phase.kind === 'error' && networkIndex === networks.length - 1
        ? phase.layer
        : undefined;
  const hasResults = networks.some((n) => n.layers.length > 0);
  // Series and bands only change when results arrive, not on every render of the island.
  const derived = useMemo(
    () =>
      networks.map((net, networkIndex) => {
        const layerCount = networkLayerCount(spec, networkIndex, net.layers);
        const referenceLayers = reference?.results[networkIndex]?.layers;
        return {
          layerCount,
          referenceLayers,
          learnerForward: seriesOf(net.layers, layerCount, 'forward'),
          learnerBackward: seriesOf(net.layers, layerCount, 'backward'),
          referenceForward: referenceLayers ? seriesOf(referenceLayers, layerCount, 'forward') : null,
          referenceBackward: referenceLayers ? seriesOf(referenceLayers, layerCount, 'backward') : null,
          bands: allowedBands(spec, networkIndex, net.layers),
        };
      }),
    [spec, networks, reference],
  );

  return (
    <div class="exercise-results">
      <div
        class={`exercise-verdict exercise-verdict--${verdictTone(phase)}`}
        role="status"
        aria-live="polite"
        aria-atomic="true"
        id={`${domId}-verdict`}
      >
        <VerdictText phase={phase} spec={spec} networks={networks} trainProgress={trainProgress} />
      </div>
      {phase.kind === 'running' && trainProgress && (
        <progress
          class="exercise-train-progress"
          max={trainProgress.seeds * trainProgress.steps}
          value={trainProgress.seedIndex * trainProgress.steps + trainProgress.step}
          aria-label="Training progress"
        />
      )}

      {backendReport && <p class="exercise-backend-report">{describeBackend(backendReport)}</p>}

      {spec.criteria.train &&
        training.map((net, networkIndex) => (
          <TrainingCurves
            key={networkIndex}
            seeds={spec.criteria.train!.seeds}
            steps={spec.criteria.train!.steps}
            learner={net.curves}
            reference={reference?.training[networkIndex]?.curves ?? null}
            finished={phase.kind === 'done' || phase.kind === 'error'}
          />
        ))}

      {hasResults &&
        networks.map((net, networkIndex) => {
          const { layerCount, referenceLayers, learnerForward, learnerBackward, referenceForward, referenceBackward, bands } = derived[networkIndex];
          const showBackward = learnerBackward.some((v) => v !== null);
          const flagged = flaggedIn(networkIndex);
          return (
            <section class="exercise-network" key={networkIndex} aria-label={`Results for ${net.name}`}>
              {networks.length > 1 && <h4>{net.name}</h4>}
              <div class="exercise-plots">
                <VariancePlot
                  title="Forward: variance of each layer's pre-activations"
                  summary={plotSummary('Forward variance', learnerForward)}
                  layerCount={layerCount}
                  learner={learnerForward}
                  reference={referenceForward}
                  band={bands.forward}
                  learnerLabel="your initializer"
                  yLabel="Var(y)"
                />
                {showBackward && (
                  <VariancePlot
                    title="Backward: variance of the gradient at each layer"
                    summary={plotSummary('Backward gradient variance', learnerBackward)}
                    layerCount={layerCount}
                    learner={learnerBackward}
                    reference={referenceBackward}
                    band={bands.backward}
                    learnerLabel="your initializer"
                    yLabel="Var(∂L/∂y)"
                  />
                )}
              </div>
              {referenceNote && <p class="exercise-reference-note">{referenceNote}</p>}
              <Histograms layers={net.layers} flagged={flagged} network={net.name} />
              <details class="exercise-table">
                <summary>The numbers as a table ({net.layers.length} layers)</summary>
                <div class="exercise-table-scroll">
                  <table>
                    <caption class="sr-only">Per-layer statistics for {net.name}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Layer</th>
                        <th scope="col">Fan-in</th>
                        <th scope="col">Weight std</th>
                        <th scope="col">Var(y), yours</th>
                        <th scope="col">Var(y), reference</th>
                        <th scope="col">Allowed Var(y)</th>
                        <th scope="col">Var(∂L/∂y), yours</th>
                        <th scope="col">Var(∂L/∂y), reference</th>
                        <th scope="col">Zero outputs</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...net.layers]
                        .sort((a, b) => a.index - b.index)
                        .map((layer) => {
                          const ref = referenceLayers?.find((r) => r.index === layer.index);
                          const i = layer.index - 1;
                          const low = bands.forward?.low[i];
                          const high = bands.forward?.high[i];
                          return (
                            <tr key={layer.index} class={layer.index === flagged ? 'is-flagged' : undefined}>
                              <th scope="row">
                                {layer.index} <span class="exercise-table-name">{layer.name}</span>
                              </th>
                              <td>{layer.fanIn}</td>
                              <td>{formatNumber(layer.forward.weightStd)}</td>
                              <td>{layer.forward.overflow ? 'overflow' : formatNumber(layer.forward.preVar)}</td>
                              <td>{ref ? formatNumber(ref.forward.preVar) : '—'}</td>
                              <td>{low != null && high != null ? `${formatNumber(low)} – ${formatNumber(high)}` : '—'}</td>
                              <td>{layer.backward ? (layer.backward.overflow ? 'overflow' : formatNumber(layer.backward.gradPreVar)) : '—'}</td>
                              <td>{ref?.backward ? formatNumber(ref.backward.gradPreVar) : '—'}</td>
                              <td>{`${(layer.forward.zeroFraction * 100).toFixed(0)} %`}</td>
                            </tr>
                          );
                        })}
                    </tbody>
                  </table>
                </div>
              </details>
            </section>
          );
        })}
    </div>
  );
}

function verdictTone(phase: RunPhase): string {
  if (phase.kind === 'done') return phase.verdict.passed ? 'pass' : 'fail';
  if (phase.kind === 'blocked' || phase.kind === 'error') return 'error';
  if (phase.kind === 'running' || phase.kind === 'checking') return 'busy';
  return 'idle';
}

function VerdictText({ phase, spec, networks, trainProgress }: { phase: RunPhase; spec: Exercise; networks: StreamedNetworks; trainProgress: TrainProgressNote | null }) {
  switch (phase.kind) {
    case 'idle':
      return <p>Press Run to test your initializer. {spec.summary}</p>;
    case 'checking':
      return <p>Checking your code…</p>;
    case 'blocked': {
      const n = phase.errors.length;
      return (
        <>
          <p class="exercise-verdict-title">
            Fix {n} error{n === 1 ? '' : 's'} first: nothing was run.
          </p>
          <ul class="exercise-problems">
            {phase.errors.slice(0, 8).map((e) => (
              <li>
                Line {e.line}, column {e.column}: {e.message}
              </li>
            ))}
            {n > 8 && <li>…and {n - 8} more (see the red marks in the editor).</li>}
          </ul>
        </>
      );
    }
    case 'running': {
      if (trainProgress) {
        return <p>Training seed {trainProgress.seedIndex + 1} of {trainProgress.seeds}, step {trainProgress.step}/{trainProgress.steps}…</p>;
      }
      const done = networks.reduce((sum, n) => sum + n.layers.length, 0);
      return <p>Running… {done > 0 ? `${done} layer${done === 1 ? '' : 's'} measured so far.` : 'starting.'}</p>;
    }
    case 'done':
      return (
        <>
          <p class="exercise-verdict-title">{phase.verdict.passed ? 'Passed.' : 'Not yet.'}</p>
          <p>{withoutLeadingVerdict(phase.verdict.message)}</p>
        </>
      );
    case 'error':
      return (
        <>
          <p class="exercise-verdict-title">{ERROR_TITLES[phase.errorKind] ?? 'Error'}</p>
          <p>{phase.message}</p>
        </>
      );
  }
}

/** The title already says "Passed."; the engine's message may start with it too. */
function withoutLeadingVerdict(message: string): string {
  const rest = message.replace(/^Passed[.:]\s*/, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

function plotSummary(what: string, values: (number | null)[]): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return `${what}: no layers measured yet.`;
  return `${what} from layer 1 (${formatNumber(finite[0])}) to layer ${finite.length} (${formatNumber(finite[finite.length - 1])}), log scale. The table below has every value.`;
}

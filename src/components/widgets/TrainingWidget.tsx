/**
 * Lessons 1, 4, 7: train a deep network from several initializations and watch it learn, stall or diverge.
 * The engine's `train` runs in a Web Worker (lib/train-worker.ts) and streams points: the training loss and
 * held-out accuracy of every init on one plot each, a heat map of the per-layer gradient norms over the
 * steps for one init, and (on the spirals) the decision boundary each init ends with.
 *
 * "yours" is the learner's saved code of the training exercise: compiled like Run compiles it, run by the
 * exercise runner in its sandbox (never on this page) for this widget's network, and its checked weights
 * are trained by the widget's worker like any other init.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import UPlotChart, { forLogScale, logAxis } from './lib/UPlotChart';
import { Choice, DataTable, Slider, Toggle, WidgetFrame } from './lib/controls';
import { formatNumber } from '~/engine/format';
import { chartColors, useSiteTheme } from './lib/theme';
import {
  BOUNDARY_EXTENT, BOUNDARY_GRID, TRAIN_INIT_LABELS, TRAIN_INITS, YOURS_EXERCISE, YOURS_TIME_LIMIT_MS, trainingNetwork,
  type FromTrainWorker, type ToTrainWorker, type InitOutcome, type TrainActivation, type TrainDatasetName, type TrainInit, type TrainPoint, type TrainSettings,
} from './lib/training';
import { spiralsDataset } from '~/engine/datasets';
import { weightLayers } from '~/engine/networks';
import { browserProgressStore } from '~/progress/store';
import { getRunner } from '../exercise/runner-connection';
import type { CheckResult } from '../exercise/monaco-editor';

export interface TrainingWidgetProps {
  defaultInits?: TrainInit[];
  defaultDataset?: TrainDatasetName;
  defaultActivation?: TrainActivation;
  defaultDepth?: number;
  defaultWidth?: number;
  defaultSteps?: number;
  /** Offer the residual-connections switch (h_l = h_(l−1) + φ(y_l)). */
  showResidual?: boolean;
}

type Status = { kind: 'idle' } | { kind: 'running'; runId: number } | { kind: 'done'; stopped: boolean } | { kind: 'error'; message: string };

const STEP_OPTIONS = ['100', '200', '400'] as const;
const YOURS_HREF = `${import.meta.env.BASE_URL.replace(/\/$/, '')}/${YOURS_EXERCISE.href}`;
const WIDTH_OPTIONS = ['32', '64', '128'] as const;
const LR_OPTIONS = ['0.001', '0.01', '0.1'] as const;

export default function TrainingWidget({
  defaultInits = ['zeros', 'small', 'large', 'he'],
  defaultDataset = 'digits',
  defaultActivation = 'relu',
  defaultDepth = 12,
  defaultWidth = 64,
  defaultSteps = 200,
  showResidual = false,
}: TrainingWidgetProps) {
  const yoursHelpId = useId();
  const [residual, setResidual] = useState(false);
  const [dataset, setDataset] = useState<TrainDatasetName>(defaultDataset);
  const [activation, setActivation] = useState<TrainActivation>(defaultActivation);
  const [depth, setDepth] = useState(defaultDepth);
  const [width, setWidth] = useState(defaultWidth);
  const [steps, setSteps] = useState(defaultSteps);
  const [learningRate, setLearningRate] = useState(0.01);
  const [inits, setInits] = useState<TrainInit[]>(defaultInits);
  const [heatInit, setHeatInit] = useState<TrainInit>(defaultInits[defaultInits.length - 1] ?? 'he');
  const [curves, setCurves] = useState<Partial<Record<TrainInit, TrainPoint[]>>>({});
  const [outcomes, setOutcomes] = useState<Partial<Record<TrainInit, InitOutcome>>>({});
  const [trained, setTrained] = useState<{ settings: TrainSettings; inits: TrainInit[] } | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [backend, setBackend] = useState('');
  const worker = useRef<Worker | null>(null);
  const runCounter = useRef(0);
  const store = useMemo(() => (typeof window === 'undefined' ? null : browserProgressStore()), []);
  const [hasYourCode, setHasYourCode] = useState(false);
  const [yoursNote, setYoursNote] = useState('');
  const yoursAbort = useRef<AbortController | null>(null);

  useEffect(() => () => {
    worker.current?.terminate();
    yoursAbort.current?.abort();
  }, []);

  /** Whether the exercise has saved code: on load, on progress changes here and in other tabs, and when the learner comes back to the choices. */
  const readYourCode = () => {
    const saved = !!store?.loadCode(YOURS_EXERCISE.id);
    setHasYourCode(saved);
    if (!saved) setInits((list) => (list.includes('yours') ? list.filter((i) => i !== 'yours') : list));
  };
  useEffect(() => {
    if (!store) return;
    readYourCode();
    return store.subscribe(readYourCode);
  }, [store]);

  /**
   * The saved code compiled (Monaco's TypeScript service, as Run compiles it), kept per code text. Started as soon
   * as "yours" is checked: loading the compiler is one long task, better spent then than while curves stream.
   */
  const compiledYours = useRef<{ code: string; result: Promise<CheckResult> } | null>(null);
  function compileYours(code: string): Promise<CheckResult> {
    if (compiledYours.current?.code !== code) {
      const result = import('../exercise/monaco-editor').then(({ compileHidden }) => compileHidden(code, `${YOURS_EXERCISE.id}-yours`));
      compiledYours.current = { code, result };
      result.catch(() => (compiledYours.current = null));
    }
    return compiledYours.current!.result;
  }
  function prepareYours() {
    const saved = store?.loadCode(YOURS_EXERCISE.id);
    if (!saved || compiledYours.current?.code === saved.code) return;
    setYoursNote('yours: preparing the compiler…');
    compileYours(saved.code).finally(() => setYoursNote((note) => (note === 'yours: preparing the compiler…' ? '' : note))).catch(() => undefined);
  }

  /** Compiles the saved code, has the runner's sandbox call it for this run's network, and hands the checked weights to the worker. */
  async function sendYourWeights(runId: number, settings: TrainSettings) {
    yoursAbort.current?.abort();
    const controller = new AbortController();
    yoursAbort.current = controller;
    const tell = (message: ToTrainWorker, transfer: Transferable[] = []) => {
      if (controller.signal.aborted) return;
      worker.current?.postMessage(message, transfer);
      if (message.type !== 'yours') setYoursNote('');
    };
    try {
      const saved = store?.loadCode(YOURS_EXERCISE.id);
      if (!saved) return tell({ type: 'yours-failed', runId, message: `there is no saved code for the exercise “${YOURS_EXERCISE.title}”` });
      setYoursNote('yours: compiling your saved code…');
      const compiled = await compileYours(saved.code);
      if (compiled.javascript === null) {
        const first = compiled.errors[0];
        const where = first ? ` (line ${first.line}, column ${first.column}: ${first.message})` : '';
        return tell({ type: 'yours-failed', runId, message: `your saved code does not compile${where}; fix it in the exercise` });
      }
      if (controller.signal.aborted) return;
      setYoursNote('yours: running your initializer in the sandbox…');
      const network = trainingNetwork(settings);
      const runner = await getRunner();
      const outcome = await runner.weights(
        { compiledJs: compiled.javascript, seed: settings.seed, networks: [{ name: network.name, layers: weightLayers(network) }], timeLimitMs: YOURS_TIME_LIMIT_MS },
        controller.signal,
      );
      if (outcome.status === 'cancelled') return;
      if (outcome.status === 'error') return tell({ type: 'yours-failed', runId, message: outcome.error.message });
      const weights = outcome.weights[0];
      setYoursNote('');
      tell({ type: 'yours', runId, weights }, weights.map((w) => w.buffer));
    } catch (error) {
      tell({ type: 'yours-failed', runId, message: error instanceof Error ? error.message : String(error) });
    }
  }

  function startTraining() {
    const selected = TRAIN_INITS.filter((i) => inits.includes(i));
    if (selected.length === 0) return;
    const settings: TrainSettings = { dataset, depth, width, activation, residual: showResidual && residual, steps, batch: 32, learningRate, seed: 1 };
    const runId = ++runCounter.current;
    if (!worker.current) {
      worker.current = new Worker(new URL('./lib/train-worker.ts', import.meta.url), { type: 'module' });
    }
    worker.current.onmessage = (event: MessageEvent<FromTrainWorker>) => {
      const message = event.data;
      if (message.type === 'backend') return setBackend(message.backend);
      if (message.runId !== runId) return;
      if (message.type === 'point') {
        setCurves((c) => ({ ...c, [message.init]: [...(c[message.init] ?? []), message.point] }));
      } else if (message.type === 'init-done') {
        setOutcomes((o) => ({ ...o, [message.outcome.init]: message.outcome }));
      } else if (message.type === 'done') {
        setStatus({ kind: 'done', stopped: message.stopped });
      } else {
        setStatus({ kind: 'error', message: message.message });
      }
    };
    setCurves({});
    setOutcomes({});
    setTrained({ settings, inits: selected });
    if (!selected.includes(heatInit)) setHeatInit(selected[selected.length - 1]);
    setStatus({ kind: 'running', runId });
    worker.current.postMessage({ type: 'train', runId, settings, inits: selected });
    if (selected.includes('yours')) void sendYourWeights(runId, settings);
  }

  function stopTraining() {
    if (status.kind !== 'running') return;
    yoursAbort.current?.abort();
    setYoursNote('');
    worker.current?.postMessage({ type: 'stop', runId: status.runId });
  }

  const running = status.kind === 'running';
  const shownInits = trained?.inits ?? [];
  const totalSteps = trained ? trained.settings.steps * trained.inits.length : 0;
  const doneSteps = shownInits.reduce((sum, init) => {
    const outcome = outcomes[init];
    if (outcome) return sum + trained!.settings.steps;
    const last = curves[init]?.at(-1);
    return sum + (last ? last.step + 1 : 0);
  }, 0);
  const currentInit = shownInits.find((init) => !outcomes[init]);

  return (
    <WidgetFrame name="TrainingWidget" title="Training a deep network from different initializations">
      <div class="widget__controls">
        <Choice label="Data" value={dataset} options={[{ value: 'digits', label: 'handwritten digits 8×8 (10 classes)' }, { value: 'spirals', label: 'spirals, 2-D (3 classes)' }]} onChange={setDataset} />
        <Choice label="Activation" value={activation} options={[{ value: 'relu', label: 'ReLU' }, { value: 'tanh', label: 'tanh' }]} onChange={setActivation} />
        <Slider label="Depth (weight layers, head included)" value={depth} min={2} max={30} onInput={setDepth} />
        <Choice label="Width (units per hidden layer)" value={String(width)} options={WIDTH_OPTIONS.map((w) => ({ value: w, label: w }))} onChange={(w) => setWidth(Number(w))} />
        <Choice label="Steps (SGD, momentum 0.9, batch 32)" value={String(steps)} options={STEP_OPTIONS.map((s) => ({ value: s, label: s }))} onChange={(s) => setSteps(Number(s))} />
        <Choice label="Learning rate" value={String(learningRate)} options={LR_OPTIONS.map((s) => ({ value: s, label: s }))} onChange={(s) => setLearningRate(Number(s))} />
        {showResidual && <Toggle label="Residual connections h_l = h_(l−1) + φ(y_l)" checked={residual} onChange={setResidual} />}
      </div>
      <fieldset class="widget-train__inits" onFocusIn={readYourCode} onPointerEnter={readYourCode}>
        <legend>Initializations to train (one after the other, same seed)</legend>
        {TRAIN_INITS.map((init) => (
          <label>
            <input
              type="checkbox"
              checked={inits.includes(init)}
              disabled={init === 'yours' && !hasYourCode}
              aria-describedby={init === 'yours' ? yoursHelpId : undefined}
              onChange={(e) => {
                const checked = (e.currentTarget as HTMLInputElement).checked;
                if (checked && init === 'yours') prepareYours();
                setInits((list) => (checked ? [...list, init] : list.filter((i) => i !== init)));
              }}
            />{' '}
            {TRAIN_INIT_LABELS[init]}
          </label>
        ))}
        <p class="widget-train__yours-help" id={yoursHelpId}>
          {hasYourCode ? (
            <>“yours” is your saved code of the exercise <a href={YOURS_HREF}>{YOURS_EXERCISE.title}</a>, run in the exercise’s sandbox for this network.</>
          ) : (
            <>“yours” needs code: write an initializer in the exercise <a href={YOURS_HREF}>{YOURS_EXERCISE.title}</a> (it is saved in this browser), then come back.</>
          )}
        </p>
        <p class="widget-train__yours-help widget-train__yours-note" role="status">{yoursNote}</p>
      </fieldset>
      <div class="widget__buttons">
        <button type="button" onClick={startTraining} disabled={running || inits.length === 0}>Train</button>
        <button type="button" onClick={stopTraining} disabled={!running}>Stop</button>
        <progress max={Math.max(1, totalSteps)} value={doneSteps} aria-label="Training progress" />
        <span class="widget-train__status" aria-live="polite">
          {status.kind === 'idle' && (inits.length === 0 ? 'Pick at least one initialization.' : 'Press Train.')}
          {running && `Training ${currentInit ? TRAIN_INIT_LABELS[currentInit] : ''}: ${doneSteps} of ${totalSteps} steps${backend ? ` (${backend})` : ''}`}
          {status.kind === 'done' && (status.stopped ? `Stopped after ${doneSteps} of ${totalSteps} steps.` : `Done${backend ? ` (TF.js ${backend})` : ''}.`)}
          {status.kind === 'error' && `Training failed: ${status.message}`}
        </span>
      </div>
      <Curves inits={shownInits.length ? shownInits : TRAIN_INITS.filter((i) => inits.includes(i))} curves={curves} />
      {trained && <Readout inits={shownInits} curves={curves} outcomes={outcomes} />}
      {trained && (
        <div class="widget__controls">
          <Choice label="Gradient heat map of" value={heatInit} options={shownInits.map((i) => ({ value: i, label: TRAIN_INIT_LABELS[i] }))} onChange={setHeatInit} />
        </div>
      )}
      {trained && <GradientHeatMap points={curves[heatInit] ?? []} depth={trained.settings.depth} init={heatInit} />}
      {trained?.settings.dataset === 'spirals' && <DecisionBoundaries inits={shownInits} outcomes={outcomes} />}
      <p class="widget__note">
        {depth - 1} hidden {activation === 'relu' ? 'ReLU' : 'tanh'} layers of {width} units and a linear output layer with softmax cross-entropy; biases start at 0.
        {' '}Loss: mean training loss between points; accuracy on the held-out split ({dataset === 'digits' ? '359 digits' : '120 points'}), never trained on.
        {' '}A run whose loss becomes NaN or infinite stops there (diverged).
        {dataset === 'digits' && (
          <>
            {' '}Data: the UCI “Optical Recognition of Handwritten Digits” test set (E. Alpaydin, C. Kaynak, 1998), as shipped by scikit-learn,{' '}
            <a href="https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits">UCI Machine Learning Repository</a>, licence{' '}
            <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.
          </>
        )}
      </p>
      {trained && (
        <DataTable
          caption={`Training points: ${trained.settings.depth} layers × ${trained.settings.width}, ${trained.settings.activation}${trained.settings.residual ? ' residual' : ''}, ${trained.settings.dataset}, learning rate ${trained.settings.learningRate}`}
          columns={['init', 'step', 'training loss', 'held-out accuracy', '‖∂L/∂W‖ layer 1', `‖∂L/∂W‖ layer ${trained.settings.depth}`, '‖ΔW‖/‖W‖ layer 1']}
          rows={shownInits.flatMap((init) =>
            (curves[init] ?? []).map((p) => [
              `${TRAIN_INIT_LABELS[init]}, step ${p.step}`,
              p.step,
              formatLoss(p.loss),
              `${(100 * p.heldOutAccuracy).toFixed(1)} %`,
              formatNumber(p.layers[0].gradNorm),
              formatNumber(p.layers[p.layers.length - 1].gradNorm),
              formatNumber(p.layers[0].updateRatio),
            ]),
          )}
        />
      )}
    </WidgetFrame>
  );
}

/** Values of each init at the union of recorded steps (gaps where an init has no point: it diverged or stopped). */
function aligned(inits: TrainInit[], curves: Partial<Record<TrainInit, TrainPoint[]>>, value: (p: TrainPoint) => number) {
  const steps = [...new Set(inits.flatMap((i) => (curves[i] ?? []).map((p) => p.step)))].sort((a, b) => a - b);
  const series = inits.map((init) => {
    const byStep = new Map((curves[init] ?? []).map((p) => [p.step, value(p)]));
    return steps.map((s) => byStep.get(s) ?? null);
  });
  return { steps, series };
}

function Curves({ inits, curves }: { inits: TrainInit[]; curves: Partial<Record<TrainInit, TrainPoint[]>> }) {
  const loss = aligned(inits, curves, (p) => p.loss);
  const accuracy = aligned(inits, curves, (p) => p.heldOutAccuracy);
  const series = (colors: { series: string[] }) => [
    {},
    ...inits.map((init) => {
      const stroke = colors.series[TRAIN_INITS.indexOf(init)];
      // A run that diverged at step 1 has a single point: draw it as a dot, a line needs two. Decided at draw
      // time: the options are built once, before the points arrive.
      const few = (u: { data: ArrayLike<unknown>[] }, seriesIndex: number) => Array.from(u.data[seriesIndex]).filter((v) => v != null).length < 3;
      return { label: TRAIN_INIT_LABELS[init], stroke, width: 2, points: { show: few, size: 8, fill: stroke } };
    }),
  ];
  return (
    <div class="widget-train__charts">
      <UPlotChart
        label="Training loss over the steps, one line per initialization (log scale)"
        data={[loss.steps, ...loss.series.map((s) => forLogScale(s.map((v) => v ?? NaN)))] as never}
        layoutKey={inits.join()}
        height={240}
        options={(colors) => ({
          scales: { x: { time: false }, y: { distr: 3 } },
          axes: [{ label: 'step' }, logAxis('training loss (log)')],
          series: series(colors),
        })}
      />
      <UPlotChart
        label="Held-out accuracy over the steps, one line per initialization"
        data={[accuracy.steps, ...accuracy.series] as never}
        layoutKey={inits.join()}
        height={200}
        options={(colors) => ({
          scales: { x: { time: false }, y: { range: [0, 1] } },
          axes: [{ label: 'step' }, { label: 'held-out accuracy', size: 60, values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)} %`) }],
          series: series(colors),
        })}
      />
    </div>
  );
}

function Readout({ inits, curves, outcomes }: { inits: TrainInit[]; curves: Partial<Record<TrainInit, TrainPoint[]>>; outcomes: Partial<Record<TrainInit, InitOutcome>> }) {
  return (
    <ul class="widget__readout widget-train__readout" aria-live="polite">
      {inits.map((init) => {
        const points = curves[init] ?? [];
        const first = points[0];
        const last = points.at(-1);
        const outcome = outcomes[init];
        if (outcome?.failed) return <li class="widget-train__failed"><strong>{TRAIN_INIT_LABELS[init]}</strong>: not trained: {outcome.failed}</li>;
        if (!first || !last) return <li>{TRAIN_INIT_LABELS[init]}: waiting.</li>;
        const zeroLayers = first.layers.filter((l) => l.gradNorm === 0).length;
        const hidden = last.layers.slice(0, -1);
        const identical = hidden.filter((l) => l.unitsIdentical).length;
        return (
          <li>
            <strong>{TRAIN_INIT_LABELS[init]}</strong>: loss {formatLoss(first.loss)} → {formatLoss(last.loss)}, held-out accuracy {(100 * last.heldOutAccuracy).toFixed(1)} %
            {outcome?.diverged ? <> — <strong>diverged at step {outcome.diverged.step}</strong> (loss {String(outcome.diverged.loss)})</> : ''}
            {identical > 0 ? <> — <strong>symmetric</strong>: at step {last.step} all units are identical in {identical} of {hidden.length} hidden layers</> : ''}
            {zeroLayers > 0 ? <> — gradient exactly 0 in {zeroLayers} of {first.layers.length} layers at step 0</> : ''}
            {'. '}Gradient norm at step 0: layer 1 {formatNumber(first.layers[0].gradNorm)}, layer {first.layers.length} {formatNumber(first.layers[first.layers.length - 1].gradNorm)}.
          </li>
        );
      })}
    </ul>
  );
}

/** Losses near chance read as 2.30 (ln 10), as the lessons quote them; huge ones in the usual notation. */
function formatLoss(x: number): string {
  return Number.isFinite(x) && Math.abs(x) < 1e4 ? x.toFixed(2) : formatNumber(x);
}

/** log10 of a gradient norm mapped to a colour from dark (small) to bright (large); exact zeros drawn as a neutral grey. */
function heatColor(log10: number, min: number, max: number): string {
  const t = max > min ? Math.min(1, Math.max(0, (log10 - min) / (max - min))) : 0.5;
  // A perceptually ordered ramp (dark blue → teal → yellow), readable in both themes.
  const stops = [[30, 20, 90], [33, 145, 140], [253, 231, 37]];
  const [a, b, u] = t < 0.5 ? [stops[0], stops[1], t * 2] : [stops[1], stops[2], (t - 0.5) * 2];
  return `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * u)).join(',')})`;
}

function GradientHeatMap({ points, depth, init }: { points: TrainPoint[]; depth: number; init: TrainInit }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useSiteTheme();
  const logs = points.flatMap((p) => p.layers.map((l) => (l.gradNorm > 0 && Number.isFinite(l.gradNorm) ? Math.log10(l.gradNorm) : NaN))).filter((v) => !Number.isNaN(v));
  const min = logs.length ? Math.min(...logs) : 0;
  const max = logs.length ? Math.max(...logs) : 0;
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const colors = chartColors(theme);
    ctx.clearRect(0, 0, el.width, el.height);
    const cellW = el.width / Math.max(1, points.length);
    const cellH = el.height / depth;
    points.forEach((p, x) => {
      p.layers.forEach((l, layer) => {
        const g = l.gradNorm;
        ctx.fillStyle = g === 0 ? colors.grid : !Number.isFinite(g) ? '#d00' : heatColor(Math.log10(g), min, max);
        // Layer 1 at the bottom, the output layer on top.
        ctx.fillRect(Math.floor(x * cellW), Math.floor(el.height - (layer + 1) * cellH), Math.ceil(cellW), Math.ceil(cellH));
      });
    });
  }, [points, depth, theme, min, max]);
  return (
    <div class="widget-train__heat">
      <canvas
        ref={canvas}
        width={600}
        height={Math.max(120, depth * 8)}
        role="img"
        aria-label={`Heat map of the gradient norm ‖∂L/∂W‖ of each layer (rows, layer 1 at the bottom) over the steps (columns) for ${TRAIN_INIT_LABELS[init]}; colour from dark (1e${Math.floor(min)}) to bright (1e${Math.ceil(max)})`}
      />
      <p class="widget__note">
        Gradient norm per layer (rows: layer 1 at the bottom, layer {depth} on top) over the steps (left to right) for {TRAIN_INIT_LABELS[init]}:
        dark blue ≈ {logs.length ? formatNumber(10 ** min) : '–'}, yellow ≈ {logs.length ? formatNumber(10 ** max) : '–'} (log scale); grey: exactly 0.
      </p>
    </div>
  );
}

function DecisionBoundaries({ inits, outcomes }: { inits: TrainInit[]; outcomes: Partial<Record<TrainInit, InitOutcome>> }) {
  return (
    <div class="widget-train__boundaries">
      {inits.map((init) => (outcomes[init]?.predictions ? <Boundary init={init} predictions={outcomes[init]!.predictions!} /> : null))}
    </div>
  );
}

const SPIRALS = spiralsDataset();

function Boundary({ init, predictions }: { init: TrainInit; predictions: Int32Array }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useSiteTheme();
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const colors = chartColors(theme);
    const size = 160;
    const cell = size / BOUNDARY_GRID;
    ctx.globalAlpha = 0.35;
    predictions.forEach((c, i) => {
      ctx.fillStyle = colors.series[c];
      ctx.fillRect((i % BOUNDARY_GRID) * cell, Math.floor(i / BOUNDARY_GRID) * cell, Math.ceil(cell), Math.ceil(cell));
    });
    ctx.globalAlpha = 1;
    const { x, y, count } = SPIRALS.train;
    for (let n = 0; n < count; n++) {
      ctx.fillStyle = colors.series[y[n]];
      const px = ((x[2 * n] + BOUNDARY_EXTENT) / (2 * BOUNDARY_EXTENT)) * size;
      const py = ((BOUNDARY_EXTENT - x[2 * n + 1]) / (2 * BOUNDARY_EXTENT)) * size;
      ctx.fillRect(px - 1, py - 1, 2.5, 2.5);
    }
  }, [predictions, theme]);
  const share = [0, 1, 2].map((c) => predictions.filter((p) => p === c).length / predictions.length);
  return (
    <figure class="widget-train__boundary">
      <canvas ref={canvas} width={160} height={160} role="img" aria-label={`Decision regions after training from ${TRAIN_INIT_LABELS[init]}: ${share.map((s, c) => `class ${c + 1} ${(100 * s).toFixed(0)} %`).join(', ')} of the plane; dots are the training points`} />
      <figcaption>{TRAIN_INIT_LABELS[init]}</figcaption>
    </figure>
  );
}

/**
 * Lessons 4, 5, 7: a deep fully-connected net simulated in the page. Per layer, the forward variance
 * Var[a_l] and the backward variance Var[∂L/∂a_l], measured on one random draw, against the mean-field
 * theory line (what an infinitely wide net gives on average).
 */
import { useState } from 'preact/hooks';
import { meanFieldTheory, runMiniMlp } from '~/engine/mini-mlp';
import { recommendedGain } from '~/engine/variance-scaling';
import { ACTIVATION_LABELS } from '~/engine/activations';
import { LEAKY_RELU_SLOPE } from '~/engine/networks';
import UPlotChart, { forLogScale, logAxis, layerAxis } from './lib/UPlotChart';
import { Choice, DataTable, Slider, Toggle, WidgetFrame } from './lib/controls';
import { formatNumber } from '~/engine/format';
import { INIT_LABELS, initStd, type InitChoice } from './lib/initializers';
import { useFrameResult } from './lib/useFrameResult';

export type DeepNetActivation = 'relu' | 'tanh' | 'linear' | 'leaky_relu';

export interface DeepNetWidgetProps {
  activation?: DeepNetActivation;
  /** Show the gain γ slider (std multiplied by γ). */
  showGain?: boolean;
  /** Show the residual-connections switch. */
  showResidual?: boolean;
  defaultInit?: InitChoice;
  defaultDepth?: number;
  defaultWidth?: number;
  /** σ of the N(0, σ²) choice (default 0.01). */
  defaultSigma?: number;
  defaultGain?: number;
  defaultResidual?: boolean;
}

const BATCH = 32;
/** Largest and smallest positive float32: a variance beyond them has overflowed or underflowed. */
const FLOAT32_MAX = 3.4e38;
const FLOAT32_MIN = 1e-45;

const ACTIVATION_OPTIONS: { value: DeepNetActivation; label: string }[] = [
  { value: 'relu', label: ACTIVATION_LABELS.relu },
  { value: 'leaky_relu', label: `${ACTIVATION_LABELS.leaky_relu} (slope ${LEAKY_RELU_SLOPE})` },
  { value: 'tanh', label: ACTIVATION_LABELS.tanh },
  { value: 'linear', label: `${ACTIVATION_LABELS.linear} (none)` },
];
const WIDTH_OPTIONS = ['16', '32', '64', '128'] as const;

function float32Range(values: ArrayLike<number>): (number | null)[] {
  return forLogScale(values).map((v) => (v !== null && v <= FLOAT32_MAX && v >= FLOAT32_MIN ? v : null));
}

/** First layer (1-based) whose value is not a usable positive finite float32, or 0. */
function firstBrokenLayer(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v <= 0 || v > FLOAT32_MAX) return i + 1;
  }
  return 0;
}

export default function DeepNetWidget({
  activation: initialActivation = 'relu',
  showGain = false,
  showResidual = false,
  defaultInit = 'normal',
  defaultDepth = 50,
  defaultWidth = 64,
  defaultSigma = 0.01,
  defaultGain = 1,
  defaultResidual = false,
}: DeepNetWidgetProps) {
  const [activation, setActivation] = useState<DeepNetActivation>(initialActivation);
  const [depth, setDepth] = useState(defaultDepth);
  const [width, setWidth] = useState(defaultWidth);
  const [init, setInit] = useState<InitChoice>(defaultInit);
  const [log10Sigma, setLog10Sigma] = useState(Math.log10(defaultSigma));
  const [gain, setGain] = useState(defaultGain);
  const [residual, setResidual] = useState(defaultResidual);
  const sigma = 10 ** log10Sigma;
  const effectiveGain = showGain ? gain : 1;
  const useResidual = showResidual && residual;

  const result = useFrameResult(() => {
    const weightStd = (fans: { fanIn: number; fanOut: number }) => initStd(init, fans, sigma, effectiveGain);
    const run = runMiniMlp({ depth, width, batch: BATCH, activation, weightStd, residual: useResidual, seed: 11 });
    const theory = useResidual ? undefined : meanFieldTheory({ depth, width, activation, weightStd });
    return { run, theory, std: weightStd({ fanIn: width, fanOut: width }) };
  }, [activation, depth, width, init, sigma, effectiveGain, useResidual]);

  const layers = Array.from({ length: depth }, (_, i) => i + 1);
  const { run, theory } = result;
  const data = [
    layers,
    float32Range(run.forwardVariance),
    float32Range(run.backwardVariance),
    ...(theory ? [float32Range(theory.forwardVariance), float32Range(theory.backwardVariance)] : []),
  ];
  const forwardBroken = firstBrokenLayer(run.forwardVariance);
  const backwardBroken = firstBrokenLayer(run.backwardVariance);
  const ratio = (values: Float64Array, from: number, to: number) => formatNumber(values[to] / values[from]);
  const recommended = recommendedGain(activation);

  return (
    <WidgetFrame name="DeepNetWidget" title="Signal and gradient variance through a deep net">
      <div class="widget__controls">
        <Choice label="Activation" value={activation} options={ACTIVATION_OPTIONS} onChange={setActivation} />
        <Choice
          label="Initialization"
          value={init}
          options={(Object.keys(INIT_LABELS) as InitChoice[]).map((k) => ({ value: k, label: INIT_LABELS[k] }))}
          onChange={setInit}
        />
        {init === 'normal' && (
          <Slider label="σ (std of the weights)" value={log10Sigma} min={-3} max={0} step={0.01} onInput={setLog10Sigma} display={formatNumber(sigma)} valueText={`σ = ${formatNumber(sigma)}`} />
        )}
        {showGain && (
          <Slider label={`Gain γ (recommended for ${activation}: ${formatNumber(recommended)})`} value={gain} min={0.5} max={3} step={0.01} onInput={setGain} display={gain.toFixed(2)} />
        )}
        <Slider label="Depth (layers)" value={depth} min={1} max={100} onInput={setDepth} />
        <Choice label="Width (units per layer)" value={String(width)} options={WIDTH_OPTIONS.map((w) => ({ value: w, label: w }))} onChange={(w) => setWidth(Number(w))} />
        {showResidual && <Toggle label="Residual connections a_l = a_(l−1) + φ(y_l)" checked={residual} onChange={setResidual} />}
      </div>
      <UPlotChart
        label={`Log-scale plot of the forward variance Var[a_l] and backward variance Var[∂L/∂a_l] over ${depth} layers`}
        data={data as never}
        layoutKey={theory ? 'with-theory' : 'no-theory'}
        options={(colors) => ({
          scales: { x: { time: false }, y: { distr: 3, range: (_u, min, max) => [Math.min(min ?? 1, 1e-2), Math.max(max ?? 1, 1e2)] } },
          axes: [layerAxis('layer l'), logAxis('variance (log scale)')],
          series: [
            {},
            { label: 'forward Var[a_l]', stroke: colors.series[0], width: 2 },
            { label: 'backward Var[∂L/∂a_l]', stroke: colors.series[1], width: 2 },
            ...(theory
              ? [
                  { label: 'forward, theory', stroke: colors.series[0], width: 1.5, dash: [5, 5] },
                  { label: 'backward, theory', stroke: colors.series[1], width: 1.5, dash: [5, 5] },
                ]
              : []),
          ],
        })}
      />
      <p class="widget__readout" aria-live="polite">
        Weight std {formatNumber(result.std)} (Var[w]·fan_in = {formatNumber(result.std ** 2 * width)}).{' '}
        {forwardBroken
          ? <>Forward signal <strong>{run.forwardVariance[forwardBroken - 1] > 0 ? 'overflowed float32' : 'vanished to 0'}</strong> at layer {forwardBroken}. </>
          : <>Var[a_{depth}] / Var[a_1] = <strong>{ratio(run.forwardVariance, 0, depth - 1)}</strong>. </>}
        {backwardBroken
          ? <>Gradient <strong>{run.backwardVariance[backwardBroken - 1] > 0 ? 'overflowed' : 'vanished'}</strong> at layer {backwardBroken}.</>
          : <>Var[∂L/∂a_1] / Var[∂L/∂a_{depth}] = <strong>{ratio(run.backwardVariance, depth - 1, 0)}</strong>.</>}
      </p>
      <p class="widget__note">
        One random draw: {width} units per layer, a batch of {BATCH} inputs x ~ N(0, 1), a random loss gradient at the top.
        {theory
          ? ' Dashed: the variance recursion of the lesson (exact for an infinitely wide net); a finite net wanders around it.'
          : ' No theory line with residual connections: the plain recursion does not apply.'}
      </p>
      <DataTable
        caption={`Per-layer variances: ${activation}, ${INIT_LABELS[init]}${showGain ? `, γ = ${effectiveGain.toFixed(2)}` : ''}, depth ${depth}, width ${width}`}
        columns={['layer', 'Var[a_l]', ...(theory ? ['theory'] : []), 'Var[∂L/∂a_l]', ...(theory ? ['theory'] : [])]}
        rows={layers.map((l, i) => [
          l,
          formatNumber(run.forwardVariance[i]),
          ...(theory ? [formatNumber(theory.forwardVariance[i])] : []),
          formatNumber(run.backwardVariance[i]),
          ...(theory ? [formatNumber(theory.backwardVariance[i])] : []),
        ])}
      />
    </WidgetFrame>
  );
}

/**
 * Lesson 3: saturating activations. A deep tanh or sigmoid net under different initializations:
 * the fraction of saturated units per layer (|tanh| > 0.97; sigmoid below 0.03 or above 0.97, the engine's
 * threshold), and the
 * histogram of one layer's activations.
 */
import { useState } from 'preact/hooks';
import uPlot from 'uplot';
import { runMiniMlp } from '~/engine/mini-mlp';
import UPlotChart, { layerAxis } from './lib/UPlotChart';
import { Choice, DataTable, Slider, WidgetFrame } from './lib/controls';
import { formatNumber } from '~/engine/format';
import { histogram } from './lib/histogram';
import { INIT_LABELS, initStd } from './lib/initializers';
import { useFrameResult } from './lib/useFrameResult';

type SaturatingActivation = 'tanh' | 'sigmoid';
type SaturationInit = 'normal1' | 'normal001' | 'lecun' | 'glorot';

const INIT_OPTIONS: { value: SaturationInit; label: string }[] = [
  { value: 'normal1', label: 'N(0, 1)' },
  { value: 'normal001', label: 'N(0, 0.01²)' },
  { value: 'lecun', label: INIT_LABELS.lecun },
  { value: 'glorot', label: INIT_LABELS.glorot },
];

export interface SaturationWidgetProps {
  defaultActivation?: SaturatingActivation;
  defaultInit?: SaturationInit;
  defaultDepth?: number;
  /** Units per layer (default 64). */
  width?: number;
}

const BATCH = 32;
const BINS = 40;

function stdFor(init: SaturationInit, fans: { fanIn: number; fanOut: number }): number {
  if (init === 'normal1') return 1;
  if (init === 'normal001') return 0.01;
  return initStd(init, fans, 0);
}

export default function SaturationWidget({
  defaultActivation = 'tanh',
  defaultInit = 'normal1',
  defaultDepth = 10,
  width = 64,
}: SaturationWidgetProps) {
  const [activation, setActivation] = useState<SaturatingActivation>(defaultActivation);
  const [init, setInit] = useState<SaturationInit>(defaultInit);
  const [depth, setDepth] = useState(defaultDepth);
  const [shownLayer, setShownLayer] = useState(Math.min(defaultDepth, 5));
  const layer = Math.min(shownLayer, depth);

  const result = useFrameResult(() => {
    const run = runMiniMlp({
      depth, width, batch: BATCH, activation, backward: false, captureLayer: layer, seed: 7,
      weightStd: (fans) => stdFor(init, fans),
    });
    const [low, high] = activation === 'tanh' ? [-1, 1] : [0, 1];
    return { run, hist: histogram(run.captured!, low, high, BINS) };
  }, [activation, init, depth, layer, width]);

  const layers = Array.from({ length: depth }, (_, i) => i + 1);
  const saturatedPercent = Array.from(result.run.saturatedFraction, (f) => 100 * f);
  const histogramPercent = result.hist.fractions.map((f) => 100 * f);
  const definition = activation === 'tanh' ? '|a| > 0.97' : 'a < 0.03 or a > 0.97';
  const slope = activation === 'tanh' ? '0.06' : '0.03';

  return (
    <WidgetFrame name="SaturationWidget" title="Saturation in a deep tanh / sigmoid net">
      <div class="widget__controls">
        <Choice
          label="Activation"
          value={activation}
          options={[{ value: 'tanh', label: 'tanh' }, { value: 'sigmoid', label: 'sigmoid' }]}
          onChange={setActivation}
        />
        <Choice label="Initialization" value={init} options={INIT_OPTIONS} onChange={setInit} />
        <Slider label="Depth (layers)" value={depth} min={1} max={50} onInput={setDepth} />
        <Slider label="Histogram of layer" value={layer} min={1} max={depth} onInput={setShownLayer} />
      </div>
      <UPlotChart
        label={`Percentage of saturated units (${definition}) in each of ${depth} layers`}
        data={[layers, saturatedPercent]}
        height={220}
        options={(colors) => ({
          scales: { x: { time: false }, y: { range: [0, 100] } },
          axes: [layerAxis('layer'), { label: 'saturated %', size: 60 }],
          series: [{}, { label: `saturated units (${definition}) %`, stroke: colors.series[1], width: 2, fill: 'transparent' }],
        })}
      />
      <UPlotChart
        label={`Histogram of the activations of layer ${layer}`}
        data={[result.hist.centers, histogramPercent]}
        height={220}
        layoutKey={activation}
        options={(colors) => ({
          scales: { x: { time: false, range: activation === 'tanh' ? [-1, 1] : [0, 1] }, y: { range: (_u, _min, max) => [0, Math.max(5, max ?? 5)] } },
          axes: [{ label: `activation a of layer ${layer}`, values: (_u, ticks) => ticks.map((t) => formatNumber(t, 2)) }, { label: '% of units', size: 60 }],
          series: [
            {},
            { label: `layer ${layer} activations`, stroke: colors.series[0], fill: colors.fill, paths: uPlot.paths.bars!({ size: [0.95, 100] }), points: { show: false } },
          ],
        })}
      />
      <p class="widget__readout" aria-live="polite">
        Layer {layer}: <strong>{formatNumber(saturatedPercent[layer - 1])}%</strong> saturated, Var[a] ={' '}
        <strong>{formatNumber(result.run.forwardVariance[layer - 1])}</strong>. Last layer: {formatNumber(saturatedPercent[depth - 1])}% saturated, Var[a] ={' '}
        {formatNumber(result.run.forwardVariance[depth - 1])}.
      </p>
      <p class="widget__note">
        {width} units per layer, a batch of {BATCH} inputs x ~ N(0, 1). Saturated means {definition}, where the slope of {activation} is below {slope}.
      </p>
      <DataTable
        caption={`Saturation per layer: ${activation}, ${INIT_OPTIONS.find((o) => o.value === init)!.label}`}
        columns={['layer', 'saturated %', 'Var[a]']}
        rows={layers.map((l, i) => [l, formatNumber(saturatedPercent[i]), formatNumber(result.run.forwardVariance[i])])}
      />
    </WidgetFrame>
  );
}

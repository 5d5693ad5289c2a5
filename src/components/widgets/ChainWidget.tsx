/**
 * Lesson 1: a deep linear "network" whose every weight matrix is W = c·I. The activation after l layers
 * is c^l (for input 1), and the gradient that reaches layer l from the top is c^(L−l): anything but
 * c = 1 explodes or vanishes exponentially in depth.
 */
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import UPlotChart, { forLogScale, logAxis, layerAxis } from './lib/UPlotChart';
import { DataTable, Slider, WidgetFrame } from './lib/controls';
import { formatNumber } from '~/engine/format';

export interface ChainWidgetProps {
  defaultC?: number;
  defaultDepth?: number;
}

export function chainValues(c: number, depth: number) {
  const layers = Array.from({ length: depth }, (_, i) => i + 1);
  return {
    layers,
    activation: layers.map((l) => c ** l),
    gradient: layers.map((l) => c ** (depth - l)),
    output: c ** (depth - 1),
  };
}

export default function ChainWidget({ defaultC = 1.2, defaultDepth = 50 }: ChainWidgetProps) {
  const [c, setC] = useState(defaultC);
  const [depth, setDepth] = useState(defaultDepth);
  const values = useMemo(() => chainValues(c, depth), [c, depth]);
  const data: uPlot.AlignedData = [values.layers, forLogScale(values.activation), forLogScale(values.gradient)];
  const trend = c > 1 ? 'explodes' : c < 1 ? 'vanishes' : 'stays at 1';

  return (
    <WidgetFrame name="ChainWidget" title="A deep linear net with W = c·I at every layer">
      <div class="widget__controls">
        <Slider label="Weight scale c" value={c} min={0.5} max={1.5} step={0.01} onInput={setC} display={c.toFixed(2)} />
        <Slider label="Depth L (layers)" value={depth} min={1} max={152} onInput={setDepth} />
      </div>
      <UPlotChart
        label={`Log-scale plot of the activation size c^l and the gradient size c^(L−l) over ${depth} layers for c = ${c.toFixed(2)}`}
        data={data}
        options={(colors) => ({
          scales: { x: { time: false }, y: { distr: 3, range: (_u, min, max) => [Math.min(min ?? 1, 1e-3), Math.max(max ?? 1, 1e3)] } },
          axes: [layerAxis('layer l'), logAxis('size (log scale)')],
          series: [
            {},
            { label: '|a[l]| = c^l (forward)', stroke: colors.series[0], width: 2 },
            { label: 'gradient at layer l = c^(L−l)', stroke: colors.series[1], width: 2, dash: [6, 4] },
          ],
        })}
      />
      <p class="widget__readout" aria-live="polite">
        Output ŷ = W<sup>[L]</sup>(c·I)<sup>L−1</sup>x scales as c<sup>L−1</sup> = {c.toFixed(2)}
        <sup>{depth - 1}</sup> = <strong>{formatNumber(values.output)}</strong>: it {trend}.
      </p>
      <DataTable
        caption={`Activation and gradient size per layer, c = ${c.toFixed(2)}, L = ${depth}`}
        columns={['layer l', '|a[l]| = c^l', 'gradient c^(L−l)']}
        rows={values.layers.map((l, i) => [l, formatNumber(values.activation[i]), formatNumber(values.gradient[i])])}
      />
    </WidgetFrame>
  );
}

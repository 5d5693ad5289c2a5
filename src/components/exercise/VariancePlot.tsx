/**
 * Per-layer variance on a log scale: the learner's run, the reference initializer's run, and the band
 * the grader allows. Drawn with the widgets' shared uPlot wrapper (theme colours, log axis at powers of
 * ten); the same numbers are in the results table for screen readers.
 */
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import UPlotChart, { forLogScale, layerAxis, logAxis } from '../widgets/lib/UPlotChart';
import type { ChartColors } from '../widgets/lib/theme';

export interface VariancePlotProps {
  title: string;
  /** Short text alternative for the canvas. */
  summary: string;
  layerCount: number;
  /** Indexed by layer (0-based position = layer index - 1); null where not measured yet or not finite. */
  learner: (number | null)[];
  reference: (number | null)[] | null;
  band: { low: (number | null)[]; high: (number | null)[] } | null;
  learnerLabel: string;
  yLabel: string;
}

const BAND_UPPER_LABEL = 'allowed band (upper edge)';

const plotHeight = (width: number) => (width < 420 ? 220 : 260);

/** The band's upper edge needs no legend entry of its own. */
function hideBandUpperLegend(u: uPlot) {
  u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row) => {
    if (row.querySelector('.u-label')?.textContent === BAND_UPPER_LABEL) row.hidden = true;
  });
}

export function VariancePlot(props: VariancePlotProps) {
  const { layerCount, learner, reference, band, learnerLabel, yLabel } = props;

  const data = useMemo((): uPlot.AlignedData => {
    const x = Array.from({ length: layerCount }, (_, i) => i + 1);
    const pad = (values: (number | null)[] | null | undefined) => forLogScale(x.map((_, i) => values?.[i] ?? NaN));
    return [x, pad(learner), pad(reference), pad(band?.low), pad(band?.high)] as unknown as uPlot.AlignedData;
  }, [layerCount, learner, reference, band]);

  const options = (colors: ChartColors): Omit<uPlot.Options, 'width' | 'height'> => ({
    scales: { x: { time: false }, y: { distr: 3, log: 10 } },
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [
      { ...layerAxis('layer'), labelSize: 18, size: 36 },
      { ...logAxis(yLabel), labelSize: 18, size: 64 },
    ],
    series: [
      { label: '' },
      { label: learnerLabel, stroke: colors.series[1], width: 2, points: { show: layerCount <= 24, size: 5 } },
      { label: 'reference', stroke: colors.series[0], width: 1.5, dash: [6, 4], points: { show: false } },
      { label: 'allowed band', stroke: colors.bandEdge, width: 1, points: { show: false } },
      { label: BAND_UPPER_LABEL, stroke: colors.bandEdge, width: 1, points: { show: false } },
    ],
    bands: [{ series: [4, 3], fill: colors.band }],
    hooks: { ready: [hideBandUpperLegend] },
  });

  return (
    <figure class="exercise-plot">
      <figcaption>{props.title}</figcaption>
      <UPlotChart
        class="exercise-plot-canvas"
        options={options}
        data={data}
        height={plotHeight}
        label={props.summary}
        layoutKey={`${layerCount}|${learnerLabel}|${yLabel}`}
      />
    </figure>
  );
}

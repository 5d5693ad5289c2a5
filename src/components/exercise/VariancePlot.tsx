/**
 * Per-layer variance on a log scale: the learner's run, the reference initializer's run, and the band
 * the grader allows. Canvas (uPlot); the same numbers are in the results table for screen readers.
 * Redraws as layers stream in, and when the site switches between light and dark.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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

interface Palette {
  axis: string;
  grid: string;
  learner: string;
  reference: string;
  band: string;
  bandEdge: string;
}

function palette(): Palette {
  const dark = document.documentElement.dataset.theme === 'dark';
  return dark
    ? { axis: '#c0c2c7', grid: 'rgba(255,255,255,0.10)', learner: '#ff9b52', reference: '#8fb8ff', band: 'rgba(74, 222, 128, 0.14)', bandEdge: 'rgba(74, 222, 128, 0.55)' }
    : { axis: '#3a3f4b', grid: 'rgba(0,0,0,0.08)', learner: '#c2410c', reference: '#1d4ed8', band: 'rgba(22, 163, 74, 0.12)', bandEdge: 'rgba(22, 163, 74, 0.55)' };
}

function useTheme(onChange: () => void) {
  useEffect(() => {
    const observer = new MutationObserver(onChange);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
}

/** Powers of ten across [min, max], every k-th one so that labels stay ≥ 22 px apart. */
function decadeSplits(min: number, max: number, heightPx: number): number[] {
  if (!(min > 0) || !(max > 0)) return [];
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const decades = hi - lo + 1;
  const step = Math.max(1, Math.ceil((decades * 22) / Math.max(heightPx, 1)));
  const splits: number[] = [];
  for (let e = lo; e <= hi; e++) if ((e - lo) % step === 0) splits.push(10 ** e);
  return splits;
}

const BAND_UPPER_LABEL = 'allowed band (upper edge)';

const positiveOrNull = (v: number | null) => (v !== null && Number.isFinite(v) && v > 0 ? v : null);

export function VariancePlot(props: VariancePlotProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const themeVersion = useRef(0);

  const data = (): uPlot.AlignedData => {
    const x = Array.from({ length: props.layerCount }, (_, i) => i + 1);
    const pad = (values: (number | null)[] | null | undefined) => x.map((_, i) => positiveOrNull(values?.[i] ?? null));
    return [x, pad(props.learner), pad(props.reference), pad(props.band?.low), pad(props.band?.high)] as unknown as uPlot.AlignedData;
  };

  const build = () => {
    const el = host.current;
    if (!el) return;
    plot.current?.destroy();
    const colors = palette();
    const width = Math.max(260, el.clientWidth);
    const axis = { stroke: colors.axis, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
    const opts: uPlot.Options = {
      width,
      height: width < 420 ? 220 : 260,
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { ...axis, label: 'layer', labelSize: 18, size: 36 },
        {
          ...axis,
          label: props.yLabel,
          labelSize: 18,
          size: 64,
          splits: (u, _axis, min, max) => decadeSplits(min, max, u.bbox.height / uPlot.pxRatio),
          values: (_u, splits) => splits.map((v) => (v == null || v === 0 ? '' : v.toExponential(0).replace('e+', 'e'))),
        },
      ],
      series: [
        { label: '' },
        { label: props.learnerLabel, stroke: colors.learner, width: 2, points: { show: props.layerCount <= 24, size: 5 } },
        { label: 'reference', stroke: colors.reference, width: 1.5, dash: [6, 4], points: { show: false } },
        { label: 'allowed band', stroke: colors.bandEdge, width: 1, points: { show: false } },
        { label: BAND_UPPER_LABEL, stroke: colors.bandEdge, width: 1, points: { show: false } },
      ],
      bands: [{ series: [4, 3], fill: colors.band }],
    };
    plot.current = new uPlot(opts, data(), el);
    // The band's upper edge needs no legend entry of its own.
    el.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row) => {
      if (row.querySelector('.u-label')?.textContent === BAND_UPPER_LABEL) row.hidden = true;
    });
  };

  useEffect(() => {
    build();
    const el = host.current!;
    const resize = new ResizeObserver(() => {
      const width = Math.max(260, el.clientWidth);
      if (plot.current && Math.abs(plot.current.width - width) > 2) plot.current.setSize({ width, height: width < 420 ? 220 : 260 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [props.layerCount]);

  useTheme(() => {
    themeVersion.current++;
    build();
  });

  useEffect(() => {
    plot.current?.setData(data());
  }, [props.learner, props.reference, props.band]);

  return (
    <figure class="exercise-plot">
      <figcaption>{props.title}</figcaption>
      <div ref={host} class="exercise-plot-canvas" role="img" aria-label={props.summary} />
    </figure>
  );
}

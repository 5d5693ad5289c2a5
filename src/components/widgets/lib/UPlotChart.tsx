/**
 * The one uPlot wrapper every widget uses: sizes the chart to its container, applies the site's
 * light/dark colours, and updates the data in place when it changes (fast enough for slider drags).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartColors, useSiteTheme, type ChartColors } from './theme';

export interface UPlotChartProps {
  /** Builds the options (without width/height) for the current theme's colours. */
  options: (colors: ChartColors) => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** Pixels, or a function of the chart's width (pass a stable function: a new one rebuilds the chart). */
  height?: number | ((width: number) => number);
  /** Accessible name of the chart image; the data itself is in the widget's table. */
  label: string;
  /** Recreate the chart when this changes (e.g. the number of series); data changes never need it. */
  layoutKey?: string;
  /** Class of the chart's container (its width and legend styling). */
  class?: string;
}

export default function UPlotChart({ options, data, height = 300, label, layoutKey = '', class: className = 'widget-chart' }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useSiteTheme();
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const colors = chartColors(theme);
    const base = options(colors);
    const heightFor = (width: number) => (typeof height === 'function' ? height(width) : height);
    const width = Math.max(200, el.clientWidth);
    const withTheme: uPlot.Options = {
      cursor: { show: false },
      ...base,
      legend: {
        live: false,
        ...base.legend,
        // A dashed series (e.g. the theory line) gets a dashed legend marker.
        markers: { dash: (u, i) => (u.series[i].dash?.length ? 'dashed' : 'solid'), ...base.legend?.markers },
      },
      width,
      height: heightFor(width),
      axes: (base.axes ?? [{}, {}]).map((axis) => ({
        stroke: colors.text,
        grid: { stroke: colors.grid, width: 1 },
        ticks: { stroke: colors.grid, width: 1 },
        ...axis,
      })),
    };
    const chart = new uPlot(withTheme, latestData.current, el);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (width !== chart.width) chart.setSize({ width, height: heightFor(width) });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // options is rebuilt every render; the chart is rebuilt only when the theme or the layout changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, height, layoutKey]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div class={className} ref={container} role="img" aria-label={label} />;
}

/** Values for a log-scale axis: non-finite or non-positive values become gaps instead of breaking the scale. */
export function forLogScale(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) && v > 0 ? Math.min(v, 1e300) : null));
}

/**
 * A log-scale y axis labelled at powers of ten only (uPlot's default log ticks label every 1–9 × 10^k,
 * which overlap), thinned so that at most about `maxTicks` labels show.
 */
export function logAxis(label: string, maxTicks = 7): uPlot.Axis {
  return {
    label,
    size: 72,
    splits: (u, axisIndex) => {
      const scaleKey = u.axes[axisIndex].scale ?? 'y';
      const { min, max } = u.scales[scaleKey];
      if (min === undefined || max === undefined || !(min > 0) || !(max > 0)) return [];
      const low = Math.ceil(Math.log10(min) - 1e-9);
      const high = Math.floor(Math.log10(max) + 1e-9);
      const step = Math.max(1, Math.ceil((high - low + 1) / maxTicks));
      const ticks: number[] = [];
      for (let e = low; e <= high; e += step) ticks.push(10 ** e);
      return ticks;
    },
    // uPlot's default log-axis filter blanks some of these ticks; keep them all.
    filter: (_u, splits) => splits,
    values: (_u, ticks) => ticks.map((t) => (t == null ? '' : formatPowerOfTen(t))),
  };
}

function formatPowerOfTen(value: number): string {
  const exponent = Math.round(Math.log10(value));
  const plain = ['0.01', '0.1', '1', '10', '100', '1000'];
  return exponent >= -2 && exponent <= 3 ? plain[exponent + 2] : `1e${exponent}`;
}

/** An x axis of layer numbers: ticks on whole layers only (uPlot would otherwise label 2.5, 7.5, …). */
export function layerAxis(label: string): uPlot.Axis {
  return { label, incrs: [1, 2, 5, 10, 20, 25, 50, 100] };
}

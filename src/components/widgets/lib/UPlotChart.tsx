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
  height?: number;
  /** Accessible name of the chart image; the data itself is in the widget's table. */
  label: string;
  /** Recreate the chart when this changes (e.g. the number of series); data changes never need it. */
  layoutKey?: string;
}

export default function UPlotChart({ options, data, height = 300, label, layoutKey = '' }: UPlotChartProps) {
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
    const withTheme: uPlot.Options = {
      ...base,
      width: Math.max(200, el.clientWidth),
      height,
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
      if (width !== chart.width) chart.setSize({ width, height });
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

  return <div class="widget-chart" ref={container} role="img" aria-label={label} />;
}

/** Values for a log-scale axis: non-finite or non-positive values become gaps instead of breaking the scale. */
export function forLogScale(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) && v > 0 ? Math.min(v, 1e300) : null));
}

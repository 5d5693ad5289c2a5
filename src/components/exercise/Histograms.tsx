/**
 * Small multiples: the distribution of pre-activations at a handful of layers (first, last, the first
 * layer the grader flagged, and evenly spaced ones between). Plain SVG, one per layer.
 */
import type { LayerStats } from '../../engine/types';
import { formatNumber } from '../../engine/format';

const MAX_PANELS = 12;

/** Which layers get a panel: all of them for small nets, else an even spread that keeps the notable ones. */
export function layersToShow(layers: LayerStats[], flagged?: number): LayerStats[] {
  const sorted = [...layers].sort((a, b) => a.index - b.index);
  if (sorted.length <= MAX_PANELS) return sorted;
  const wanted = new Set<number>();
  const step = (sorted.length - 1) / (MAX_PANELS - 1);
  for (let i = 0; i < MAX_PANELS; i++) wanted.add(sorted[Math.round(i * step)].index);
  if (flagged !== undefined && !wanted.has(flagged) && sorted.some((l) => l.index === flagged)) {
    // Replace the nearest evenly spaced panel with the flagged layer (first and last stay).
    const candidates = [...wanted].filter((i) => i !== sorted[0].index && i !== sorted[sorted.length - 1].index);
    const nearest = candidates.sort((a, b) => Math.abs(a - flagged) - Math.abs(b - flagged))[0];
    if (nearest !== undefined) wanted.delete(nearest);
    wanted.add(flagged);
  }
  return sorted.filter((l) => wanted.has(l.index));
}

export function Histograms({ layers, flagged, network }: { layers: LayerStats[]; flagged?: number; network: string }) {
  const shown = layersToShow(layers, flagged);
  if (shown.length === 0) return null;
  return (
    <figure class="exercise-histograms">
      <figcaption>
        Pre-activation distributions, {network}: {shown.length === layers.length ? 'every layer' : `${shown.length} of ${layers.length} layers`}
      </figcaption>
      <ul class="exercise-histogram-grid">
        {shown.map((layer) => (
          <li key={layer.index} class={layer.index === flagged ? 'is-flagged' : undefined}>
            <HistogramPanel layer={layer} />
          </li>
        ))}
      </ul>
    </figure>
  );
}

function HistogramPanel({ layer }: { layer: LayerStats }) {
  const { histogram, overflow, preVar } = layer.forward;
  const width = 120;
  const height = 56;
  const counts = histogram.counts;
  const peak = Math.max(1, ...counts);
  const barWidth = counts.length ? width / counts.length : width;
  const label = overflow
    ? `Layer ${layer.index}: values overflowed float32`
    : `Layer ${layer.index}: pre-activations from ${formatNumber(histogram.min, 2)} to ${formatNumber(histogram.max, 2)}, variance ${formatNumber(preVar, 2)}`;
  return (
    <div class="exercise-histogram">
      <span class="exercise-histogram-title">Layer {layer.index}</span>
      {overflow || counts.length === 0 ? (
        <div class="exercise-histogram-empty" role="img" aria-label={label}>
          overflow (±∞)
        </div>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
          {counts.map((count, i) => {
            const h = (count / peak) * (height - 2);
            return <rect x={i * barWidth} y={height - h} width={Math.max(barWidth - 0.5, 0.5)} height={h} />;
          })}
        </svg>
      )}
      <span class="exercise-histogram-range" aria-hidden="true">
        {overflow ? '' : `${formatNumber(histogram.min, 2)} … ${formatNumber(histogram.max, 2)}`}
      </span>
    </div>
  );
}

/**
 * Lesson 6: predicted forward variance through AlexNet's 8 weight layers, for N(0, σ²) weights in every
 * layer (AlexNet's paper used σ = 0.01) against He initialization.
 */
import { useMemo, useState } from 'preact/hooks';
import UPlotChart, { forLogScale, logAxis } from './lib/UPlotChart';
import { DataTable, Slider, WidgetFrame } from './lib/controls';
import { formatNumber } from '~/engine/format';
import { ALEXNET_WEIGHT_LAYERS, alexnetForwardVariance } from './lib/alexnet-variance';
import { INIT_LABELS } from './lib/initializers';

export interface AlexNetVarianceWidgetProps {
  defaultSigma?: number;
}

export default function AlexNetVarianceWidget({ defaultSigma = 0.01 }: AlexNetVarianceWidgetProps) {
  const [log10Sigma, setLog10Sigma] = useState(Math.log10(defaultSigma));
  const sigma = 10 ** log10Sigma;
  const fixed = useMemo(() => alexnetForwardVariance(() => sigma * sigma), [sigma]);
  const he = useMemo(() => alexnetForwardVariance((layer) => 2 / layer.fanIn), []);
  const positions = ALEXNET_WEIGHT_LAYERS.map((l) => l.index);
  const names = ALEXNET_WEIGHT_LAYERS.map((l) => l.name);
  const last = fixed.length - 1;

  return (
    <WidgetFrame name="AlexNetVarianceWidget" title="Predicted signal variance through AlexNet">
      <div class="widget__controls">
        <Slider
          label="σ of N(0, σ²) in every layer"
          value={log10Sigma}
          min={-4}
          max={-0.5}
          step={0.01}
          onInput={setLog10Sigma}
          display={formatNumber(sigma)}
          valueText={`σ = ${formatNumber(sigma)}`}
        />
      </div>
      <UPlotChart
        label={`Log-scale plot of the predicted variance Var[y_l] after each of AlexNet's 8 weight layers, for σ = ${formatNumber(sigma)} and for He initialization`}
        data={[positions, forLogScale(fixed), forLogScale(he)]}
        options={(colors) => ({
          scales: { x: { time: false, range: [0.8, 8.2] }, y: { distr: 3, range: (_u, min, max) => [Math.min(min ?? 1, 1e-2), Math.max(max ?? 1, 1e2)] } },
          axes: [
            { label: 'weight layer', splits: () => positions, values: (_u, ticks) => ticks.map((t) => names[Math.round(t) - 1] ?? '') },
            logAxis('Var[y_l] (log scale)'),
          ],
          series: [
            {},
            { label: `N(0, σ²), σ = fixed`, stroke: colors.series[1], width: 2, points: { show: true, size: 6 } },
            { label: INIT_LABELS.he, stroke: colors.series[0], width: 2, points: { show: true, size: 6 } },
          ],
        })}
      />
      <p class="widget__readout" aria-live="polite">
        With σ = {formatNumber(sigma)}, the logits (fc8) get Var[y] ≈ <strong>{formatNumber(fixed[last])}</strong>; with He, ≈{' '}
        <strong>{formatNumber(he[last])}</strong>.
      </p>
      <p class="widget__note">
        Predicted, not measured: Var[y_l] = Var[y_(l−1)] · ½ · fan_in · Var[w], starting from normalized pixels (E[x²] = 1, and no ½ in
        conv1, whose input is the image). Biases are taken as 0, max-pooling as if it kept the variance, and the ½ assumes each y_l is
        symmetric around 0.
      </p>
      <DataTable
        caption={`Predicted Var[y_l] per weight layer, σ = ${formatNumber(sigma)} vs He`}
        columns={['layer', 'fan_in', `Var[y_l], σ = ${formatNumber(sigma)}`, 'Var[y_l], He']}
        rows={ALEXNET_WEIGHT_LAYERS.map((layer, i) => [layer.name, layer.fanIn, formatNumber(fixed[i]), formatNumber(he[i])])}
      />
    </WidgetFrame>
  );
}

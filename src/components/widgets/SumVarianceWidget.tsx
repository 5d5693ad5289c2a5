/**
 * Lesson 2: the variance of a sum. z = Σᵢ wᵢ xᵢ over n inputs, with xᵢ ~ N(0, 1) and wᵢ ~ N(0, s²),
 * sampled many times: the histogram of z matches N(0, n·Var[w]), so keeping Var[z] ≈ 1 needs
 * Var[w] = 1/n.
 */
import { useState } from 'preact/hooks';
import uPlot from 'uplot';
import { createRandom } from '~/engine/random';
import UPlotChart from './lib/UPlotChart';
import { DataTable, Slider, WidgetFrame } from './lib/controls';
import { formatNumber } from '~/engine/format';
import { useFrameResult } from './lib/useFrameResult';

export interface SumVarianceWidgetProps {
  defaultN?: number;
  defaultStd?: number;
  /** Number of sampled sums z (default 4000). */
  samples?: number;
}

const BINS = 41;

function gaussianDensity(x: number, variance: number): number {
  return Math.exp((-x * x) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
}

/** Samples `samples` sums z = Σ w_i x_i and returns a density histogram next to the predicted N(0, n·std²). */
export function sampleSums(n: number, std: number, samples: number, seed: number) {
  const random = createRandom(seed);
  const z = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += std * random.normal() * random.normal();
    z[s] = sum;
  }
  let mean = 0;
  for (const v of z) mean += v;
  mean /= samples;
  let measured = 0;
  for (const v of z) measured += (v - mean) ** 2;
  measured /= samples;
  const predicted = n * std * std;
  const halfWidth = 4 * Math.sqrt(predicted);
  const binWidth = (2 * halfWidth) / BINS;
  const counts = new Array<number>(BINS).fill(0);
  let outside = 0;
  for (const v of z) {
    const bin = Math.floor((v + halfWidth) / binWidth);
    if (bin >= 0 && bin < BINS) counts[bin]++;
    else outside++;
  }
  const centers = counts.map((_, i) => -halfWidth + (i + 0.5) * binWidth);
  return {
    centers,
    density: counts.map((count) => count / (samples * binWidth)),
    predictedDensity: centers.map((x) => gaussianDensity(x, predicted)),
    predicted,
    measured,
    outside,
  };
}

type StdPreset = 'one' | 'small' | 'lecun' | 'custom';

export default function SumVarianceWidget({ defaultN = 256, defaultStd = 1, samples = 4000 }: SumVarianceWidgetProps) {
  const [n, setN] = useState(defaultN);
  const [preset, setPreset] = useState<StdPreset>(defaultStd === 1 ? 'one' : 'custom');
  const [customLog10Std, setCustomLog10Std] = useState(Math.log10(defaultStd));
  const [seed, setSeed] = useState(1);
  const std = preset === 'one' ? 1 : preset === 'small' ? 0.01 : preset === 'lecun' ? 1 / Math.sqrt(n) : 10 ** customLog10Std;
  const result = useFrameResult(() => sampleSums(n, std, samples, seed), [n, std, samples, seed]);
  const presets: { value: StdPreset; label: string }[] = [
    { value: 'one', label: 'std 1' },
    { value: 'small', label: 'std 0.01' },
    { value: 'lecun', label: 'std 1/√n' },
  ];

  return (
    <WidgetFrame name="SumVarianceWidget" title="The variance of a sum: z = w₁x₁ + … + wₙxₙ">
      <div class="widget__controls">
        <Slider label="Number of inputs n" value={n} min={1} max={1024} onInput={setN} />
        <Slider
          label="Std of the weights w"
          value={Math.log10(std)}
          min={-3}
          max={0.5}
          step={0.01}
          onInput={(v) => {
            setPreset('custom');
            setCustomLog10Std(v);
          }}
          display={formatNumber(std)}
          valueText={`std ${formatNumber(std)}`}
        />
        <div class="widget__buttons" role="group" aria-label="Weight std presets">
          {presets.map((p) => (
            <button type="button" aria-pressed={preset === p.value} onClick={() => setPreset(p.value)}>
              {p.label}
            </button>
          ))}
          <button type="button" onClick={() => setSeed((s) => s + 1)}>
            New samples
          </button>
        </div>
      </div>
      <UPlotChart
        label={`Histogram of ${samples} sampled sums z for n = ${n} and weight std ${formatNumber(std)}, with the predicted normal density`}
        data={[result.centers, result.density, result.predictedDensity]}
        options={(colors) => ({
          scales: { x: { time: false } },
          axes: [{ label: 'z' , values: (_u, ticks) => ticks.map((t) => formatNumber(t, 2)) }, { label: 'density', size: 70, values: (_u, ticks) => ticks.map((t) => formatNumber(t, 2)) }],
          series: [
            {},
            { label: `measured (${samples} samples)`, stroke: colors.series[0], fill: colors.fill, paths: uPlot.paths.bars!({ size: [0.95, 100] }), points: { show: false } },
            { label: 'predicted N(0, n·Var[w])', stroke: colors.series[1], width: 2 },
          ],
        })}
      />
      <p class="widget__readout" aria-live="polite">
        Predicted Var[z] = n·Var[w] = {n} × {formatNumber(std * std)} = <strong>{formatNumber(result.predicted)}</strong>;
        measured over {samples} samples: <strong>{formatNumber(result.measured)}</strong>
        {result.outside > 0 && ` (${result.outside} ${result.outside === 1 ? 'sample falls' : 'samples fall'} outside the plotted ±4 std)`}.
      </p>
      <DataTable
        caption={`Histogram of z: n = ${n}, std of w = ${formatNumber(std)}`}
        columns={['bin centre z', 'measured density', 'predicted density']}
        rows={result.centers.map((x, i) => [formatNumber(x), formatNumber(result.density[i]), formatNumber(result.predictedDensity[i])])}
      />
    </WidgetFrame>
  );
}

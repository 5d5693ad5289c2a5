/** Fixed-range histogram as densities (area 1 over the counted values). */
export function histogram(values: ArrayLike<number>, low: number, high: number, bins: number) {
  const width = (high - low) / bins;
  const counts = new Array<number>(bins).fill(0);
  let counted = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let bin = Math.floor((v - low) / width);
    if (bin === bins && v === high) bin = bins - 1;
    if (bin >= 0 && bin < bins) {
      counts[bin]++;
      counted++;
    }
  }
  const total = values.length || 1;
  return {
    centers: counts.map((_, i) => low + (i + 0.5) * width),
    fractions: counts.map((c) => c / total),
    counted,
  };
}

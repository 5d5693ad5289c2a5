/**
 * The numbers the review corrected in the lessons, exercise texts and authoring guide (issue 8), recomputed here
 * from the mathematics (Gaussian expectations by quadrature, the mean-field recursion, closed forms), so a text
 * that drifts from the computation fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInitializer } from '../../src/engine/initializers';
import { gaussianExpectation, meanField } from '../../src/engine/theory';
import { weightBounds } from '../../src/engine/weight-tolerance';

const repo = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');
const lesson = (slug: string) => read(`content/lessons/${slug}.mdx`);
const sigmoid = (y: number) => 1 / (1 + Math.exp(-y));

/** q_l of a plain tanh or sigmoid net with n·Var(w) = `gain2`, from q_1 = gain2 · E[x²] = gain2. */
function forwardVariances(activation: 'tanh' | 'sigmoid', depth: number, gain2 = 1): number[] {
  return meanField(Array.from({ length: depth }, () => ({ fanIn: 256, units: 256, activation, weightVariance: gain2 / 256 }))).preVar;
}

describe('lecun-tanh', () => {
  const q = forwardVariances('tanh', 30);
  const tanhSecondMomentAt1 = gaussianExpectation((z) => Math.tanh(z) ** 2);

  it('hints and task: E[tanh²] = 0.39 at Var(y) = 1, and LeCun decays 1 → 0.018 over 30 layers, ≈ 1/(2l)', () => {
    expect(tanhSecondMomentAt1).toBeCloseTo(0.394, 3);
    expect(q[0]).toBeCloseTo(1, 12);
    expect(q[29]).toBeCloseTo(0.0178, 4);
    expect(q[29] / (1 / 60)).toBeGreaterThan(1);
    expect(q[29] / (1 / 60)).toBeLessThan(1.1);
    const hints = JSON.parse(read('exercises/lecun-tanh/exercise.json')).hints.join(' ');
    expect(hints).toContain('E[tanh(y)²] = 0.39');
    expect(hints).toContain('1 → 0.018 over 30');
    expect(hints).not.toMatch(/almost unchanged|≈ constant/);
    expect(read('exercises/lecun-tanh/task.md')).toContain('about 0.018 by layer 30');
  });

  it('He on tanh settles at q* ≈ 0.618, a bounded fixed point (wrong/he.ts)', () => {
    const he = forwardVariances('tanh', 200, 2);
    expect(he[199]).toBeCloseTo(0.618, 3);
    expect(Math.abs(he[199] - he[198])).toBeLessThan(1e-9);
    const comment = read('exercises/lecun-tanh/wrong/he.ts');
    expect(comment).toContain('≈ 0.618');
    expect(comment).not.toMatch(/explod/);
  });
});

describe('lessons', () => {
  it('lesson 3: sigmoid with LeCun settles at q* ≈ 0.265, where E[σ′²] = 0.0557 (gradients ÷18 per layer)', () => {
    const q = forwardVariances('sigmoid', 300);
    expect(q[299]).toBeCloseTo(0.265, 3);
    const slope2 = gaussianExpectation((z) => (sigmoid(Math.sqrt(q[299]) * z) * (1 - sigmoid(Math.sqrt(q[299]) * z))) ** 2);
    expect(slope2).toBeCloseTo(0.0557, 4);
    expect(Math.round(1 / slope2)).toBe(18);
    expect(lesson('03-tanh-glorot')).toContain('\\approx 0.0557$ (at the forward pass\'s fixed point\n$\\mathrm{Var}[z] = q^* \\approx 0.265$)');
  });

  it('lesson 2: the general Var[wx], checked on a discrete example by enumeration', () => {
    // w ∈ {−1, 3} and x ∈ {0, 2, 7}, independent and uniform: E[w] = 1, Var[w] = 4, E[x] = 3, Var[x] = 26/3.
    const ws = [-1, 3], xs = [0, 2, 7];
    const products = ws.flatMap((w) => xs.map((x) => w * x));
    const mean = products.reduce((a, b) => a + b, 0) / products.length;
    const varWx = products.reduce((a, b) => a + (b - mean) ** 2, 0) / products.length;
    expect(varWx).toBeCloseTo(4 * (26 / 3) + 4 * 9 + 1 * (26 / 3), 10);
    expect(lesson('02-variance-of-a-sum')).toContain('\\mathrm{Var}[wx] = \\mathrm{Var}[w]\\,\\mathrm{Var}[x] + \\mathrm{Var}[w]\\,\\mathbb{E}[x]^2 + \\mathbb{E}[w]^2\\,\\mathrm{Var}[x]');
    expect(lesson('02-variance-of-a-sum')).not.toContain('\\mu^2\\,\\mathbb{E}[x_i x_j]');
  });

  it('lesson 4: the ReLU dot product (−1, −2, 3, 4) · ReLU(4, 5, −2, −3) = −14', () => {
    const w = [-1, -2, 3, 4], y = [4, 5, -2, -3];
    expect(w.reduce((s, wi, i) => s + wi * Math.max(0, y[i]), 0)).toBe(-14);
    expect(lesson('04-relu-he')).toContain('= -14');
  });

  it('lesson 6: fc8 has no ReLU, backward factor 1000 · 10⁻⁴ = 0.1; the eight factors multiply to 2.7e-6', () => {
    const fanOut = [11 * 11 * 96, 5 * 5 * 256, 3 * 3 * 384, 3 * 3 * 384, 3 * 3 * 256, 4096, 4096];
    const product = fanOut.reduce((p, f) => p * 0.5 * f * 1e-4, 1) * 1000 * 1e-4;
    expect(product).toBeCloseTo(2.68e-6, 8);
    const text = lesson('06-conv-alexnet');
    expect(text).toContain('1000 \\cdot 10^{-4} = 0.1$ for fc8');
    expect(text).toContain('$2.7 \\times 10^{-6}$');
    expect(text).not.toContain('$0.05$ for fc8');
  });

  it('lesson 7 and the challenge: centred ReLU outputs give He a factor 0.68; the band 10^2.5 is ×316', () => {
    const varRelu = gaussianExpectation((z) => Math.max(0, z) ** 2) - gaussianExpectation((z) => Math.max(0, z)) ** 2;
    expect(2 * varRelu).toBeCloseTo(0.68, 2);
    expect(lesson('07-beyond-init')).toContain('the factor is $0.68$ per layer');
    expect(Math.round(10 ** 2.5)).toBe(316);
    expect(lesson('07-beyond-init')).toContain('$10^{2.5} \\approx 316$');
    expect(read('exercises/challenge-100/task.md')).not.toContain('×300');
  });
});

describe('exercise texts', () => {
  it('glorot-uniform wrong/fan-in-only.ts: LeCun uniform is 9 % below Glorot on the 784 → 512 layer', () => {
    expect(1 - Math.sqrt(3 / 784) / Math.sqrt(6 / (784 + 512))).toBeCloseTo(0.0909, 4);
    const comment = read('exercises/glorot-uniform/wrong/fan-in-only.ts');
    expect(comment).toContain('9 % too small on the first layer (784 → 512)');
    expect(comment).not.toMatch(/close on the first layer/i);
  });

  it('he-alexnet: pooling raises the variance by a measured factor, not "a little"', () => {
    const task = read('exercises/he-alexnet/task.md');
    expect(task).not.toMatch(/a little/);
    expect(task).toContain('×4.4–5.2');
  });
});

describe('the review\'s wording items are in the lessons', () => {
  it('Xavier naming, the sigmoid\'s γ = 1 as a convention, Fixup and ReZero details', () => {
    expect(lesson('03-tanh-glorot')).toContain("Caffe's `xavier` filler");
    expect(lesson('05-gain')).toContain('where it is a convention rather than a\n  result');
    expect(lesson('07-beyond-init')).toContain('and the\nfinal classification layer, to zero');
    expect(lesson('07-beyond-init')).toContain('scalar multiplier (initialized at 1)');
    expect(lesson('07-beyond-init')).toContain('dropped the normalization layers');
    expect(lesson('07-beyond-init')).toContain('just subtract the mean at each layer?');
  });

  it('the guide\'s advice fallback is the recommended gain (5/3 for tanh), not "LeCun otherwise"', () => {
    const guide = read('content/guide/authoring.mdx');
    expect(guide).not.toContain('He for ReLU, LeCun otherwise');
    expect(guide).toContain('$5/3$ for tanh');
  });
});

describe('the authoring guide quotes the grader\'s weight tolerances', () => {
  it('he-relu-50 allows 1.7 % on a 512 × 512 layer; glorot-uniform 9 % on its 64 × 10 layer; z 4.5 and 5.0', () => {
    const he = weightBounds(resolveInitializer({ name: 'he_normal' }, [512, 512]), 512 * 512, 512, 50, 0.01);
    const glorot = weightBounds(resolveInitializer({ name: 'glorot_uniform' }, [64, 10]), 640, 64, 6, 0.01);
    expect(he.stdRelative).toBeCloseTo(0.017, 3);
    expect(glorot.stdRelative).toBeCloseTo(0.09, 2);
    expect(he.z).toBeCloseTo(4.97, 2);
    expect(glorot.z).toBeCloseTo(4.54, 2);
    const guide = read('content/guide/authoring.mdx');
    expect(guide).toContain('(4.5 for 6 layers, 5.0 for 50)');
    expect(guide).toContain('so `he-relu-50` allows 1.7 %');
    expect(guide).toContain('has 1.8 % of noise and allows 9 %');
  });
});

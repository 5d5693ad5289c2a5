/**
 * The seeded streams, pinned bit for bit. Lessons, exercises and e2e tests quote figures drawn from these
 * streams, so a faster sampler must draw exactly the same float32 values in the same order for every seed.
 * The expected values and FNV-1a digests (over the float32 bit patterns) were recorded from the sampler at
 * commit 8607ea7, before the speed work of issue 11; any change to a stream, however small, fails here.
 * The long streams (10⁶ normals, AlexNet's 61 M weights) pass through the ziggurat's slow path (wedges, tail)
 * tens of thousands of times, so that path is pinned too.
 * fillNormal's fast path runs in WebAssembly where it can (normal-kernel.wat) and in JavaScript where it cannot (the
 * learner's browser realm): every pin is checked on both.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compileKernel, NORMAL_KERNEL } from '../../scripts/build-wasm';
import type { InitializerName } from '../../src/engine/initializers';
import { NORMAL_KERNEL_WASM } from '../../src/engine/normal-kernel-wasm';
import { alexnet, mlp } from '../../src/engine/networks';

interface Samplers {
  createRandom: typeof import('../../src/engine/random').createRandom;
  sampleInitializer: typeof import('../../src/engine/initializers').sampleInitializer;
  initializeWeights: typeof import('../../src/engine/lab').initializeWeights;
}

/** Fresh copies of the samplers' modules, evaluated with or without the WebAssembly global. */
async function loadSamplers(webAssembly: boolean): Promise<Samplers> {
  const saved = globalThis.WebAssembly;
  vi.resetModules();
  if (!webAssembly) delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  try {
    const [random, initializers, lab] = await Promise.all([
      import('../../src/engine/random'), import('../../src/engine/initializers'), import('../../src/engine/lab'),
    ]);
    return { createRandom: random.createRandom, sampleInitializer: initializers.sampleInitializer, initializeWeights: lab.initializeWeights };
  } finally {
    globalThis.WebAssembly = saved;
  }
}

/** FNV-1a (32 bit) over the bit patterns of float32 arrays, as 8 hex digits. */
function digest(arrays: Float32Array[]): string {
  let hash = 0x811c9dc5;
  for (const array of arrays) {
    const bits = new Uint32Array(array.buffer, array.byteOffset, array.length);
    for (let i = 0; i < bits.length; i++) hash = Math.imul(hash ^ bits[i], 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const f32 = (values: number[]) => values.map(Math.fround);

it('normal-kernel-wasm.ts holds exactly what wat2wasm makes of normal-kernel.wat (else: npm run build:wasm)', async () => {
  expect(Buffer.from(NORMAL_KERNEL_WASM).equals(Buffer.from(await compileKernel(NORMAL_KERNEL)))).toBe(true);
});

describe.each([['WebAssembly', true], ['JavaScript', false]])('the seeded streams are those recorded before issue 11 (fast path in %s)', (_, webAssembly) => {
  let createRandom: Samplers['createRandom'], sampleInitializer: Samplers['sampleInitializer'], initializeWeights: Samplers['initializeWeights'];
  beforeAll(async () => {
    ({ createRandom, sampleInitializer, initializeWeights } = await loadSamplers(webAssembly));
  });

  it('fillNormal, N(0, 1), 10⁶ values of seed 12345', () => {
    const values = createRandom(12345).fillNormal(new Float32Array(1_000_000));
    expect(Array.from(values.subarray(0, 4))).toEqual(f32([-0.1867830753326416, 0.13234451413154602, 1.5109304189682007, 1.6208909749984741]));
    expect(digest([values])).toBe('3933cacd');
  });

  it('fillNormal with mean and std, across fill chunks (seed 3)', () => {
    const values = createRandom(3).fillNormal(new Float32Array(3 * 4096 + 5), 5, 0.1);
    expect(Array.from(values.subarray(4094, 4098))).toEqual(f32([5.096749782562256, 4.875882148742676, 5.077249526977539, 4.917465686798096]));
    expect(digest([values])).toBe('ad085aa6');
  });

  it('fillUniform, U(−1, 1), seed 11', () => {
    const values = createRandom(11).fillUniform(new Float32Array(100_000), -1, 1);
    expect(Array.from(values.subarray(0, 3))).toEqual(f32([-0.9990462064743042, 0.8779193162918091, -0.28273066878318787]));
    expect(digest([values])).toBe('7d3d6d66');
  });

  it('one generator used every way in turn (seed 7): each call leaves the state the next expects', () => {
    const random = createRandom(7);
    const drawn = [
      random.fillNormal(new Float32Array(1000)),
      Float32Array.of(random.normal(), random.uniform01()),
      random.fillUniform(new Float32Array(5000), -0.3, 0.5),
      random.fillTruncatedNormal(new Float32Array(3000), 1, 0.5),
      random.fork().fillNormal(new Float32Array(100)),
      random.fillNormal(new Float32Array(1000), -1, 2),
    ];
    expect(Array.from(drawn[1])).toEqual(f32([-0.566364049911499, 0.3038342297077179]));
    expect(Array.from(drawn[2].subarray(0, 3))).toEqual(f32([-0.2162368893623352, 0.3434928059577942, 0.37220534682273865]));
    expect(digest(drawn)).toBe('ac461e50');
  });

  it('sampleInitializer, seed 21', () => {
    const cases: [InitializerName, number[], string, number, number][] = [
      ['he_normal', [3, 3, 64, 128], '66988894', -0.06400246918201447, -0.028911324217915535],
      ['glorot_uniform', [300, 200], '3f174edf', 0.05900504067540169, -0.02728727087378502],
      ['truncated_normal', [50, 40], '9a2352fe', -0.05430789664387703, -0.055090878158807755],
      ['lecun_normal', [257, 33], '8da6244f', -0.0677526667714119, 0.015009515918791294],
    ];
    for (const [name, shape, expectedDigest, first, last] of cases) {
      const weights = sampleInitializer({ name }, shape, createRandom(21));
      expect([weights[0], weights[weights.length - 1], digest([weights])], `${name} ${shape.join('×')}`)
        .toEqual([Math.fround(first), Math.fround(last), expectedDigest]);
    }
  });

  it('initializeWeights: a glorot-uniform MLP (seed 5) and AlexNet with He normal (seed 1, 61 M weights)', () => {
    const small = initializeWeights(mlp({ depth: 3, width: 64, activation: 'relu' }), { name: 'glorot_uniform' }, 5);
    expect(small.map((w) => w[0])).toEqual(f32([-0.09333889186382294, -0.1849731206893921, -0.13109862804412842]));
    expect(digest(small)).toBe('0b8a7a57');
    const alex = initializeWeights(alexnet({ inputSize: 227 }), { name: 'he_normal' });
    expect(alex.map((w) => w[0])).toEqual(f32([
      0.011670534498989582, -0.039405521005392075, -0.01749444007873535, 0.005289205349981785,
      -0.009862695820629597, -0.005373633932322264, -0.020281324163079262, -0.05682476609945297,
    ]));
    expect(digest(alex)).toBe('bdf8bfb8');
  });
});

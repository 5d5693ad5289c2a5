/** Network presets: shapes, fans (as TF.js/Keras compute them), output sizes and the messages for impossible specs. */
import { describe, expect, it } from 'vitest';
import { alexnet, countWeights, describeLayers, mlp, weightLayers } from '../../src/engine/networks';
import { computeFans } from '../../src/engine/variance-scaling';

describe('mlp', () => {
  it('builds depth × width dense layers with fans [in, units]', () => {
    const layers = weightLayers(mlp({ depth: 3, width: 8, activation: 'relu', inputSize: 5 }));
    expect(layers.map((l) => l.shape)).toEqual([[5, 8], [8, 8], [8, 8]]);
    expect(layers.map((l) => [l.fanIn, l.fanOut])).toEqual([[5, 8], [8, 8], [8, 8]]);
    expect(layers.map((l) => l.index)).toEqual([1, 2, 3]);
    expect(layers.every((l) => l.depth === 3 && l.activation === 'relu' && l.kind === 'dense')).toBe(true);
  });

  it('takes a list of widths, defaults the input to the first width, and marks residual layers where widths match', () => {
    const spec = mlp({ widths: [4, 4, 6, 6], activation: 'tanh', residual: true, bias: true });
    expect(spec.input).toEqual([4]);
    const layers = weightLayers(spec);
    expect(layers.map((l) => l.residual)).toEqual([true, true, false, true]);
    expect(layers.every((l) => l.bias)).toBe(true);
  });

  it('rejects impossible specs with a message', () => {
    expect(() => mlp({ activation: 'relu' })).toThrow(/depth and width/);
    expect(() => mlp({ depth: 0, width: 3, activation: 'relu' })).toThrow(/positive integer/);
    expect(() => mlp({ widths: [3, 2.5], activation: 'relu' })).toThrow(/positive integer, got 2.5/);
    expect(() =>
      describeLayers({ name: 'bad', input: [3], layers: [{ kind: 'dense', units: 4, activation: 'relu', residual: true }] }),
    ).toThrow(/bad, layer 1 \(dense1\): a residual dense layer needs input width = units, got 3 → 4/);
  });
});

describe('alexnet', () => {
  const expectedOutputs = [[55, 55, 96], [27, 27, 96], [27, 27, 256], [13, 13, 256], [13, 13, 384], [13, 13, 384], [13, 13, 256], [6, 6, 256], [9216], [4096], [4096], [1000]];

  for (const inputSize of [227, 224] as const) {
    it(`has the original output shapes with a ${inputSize} input`, () => {
      expect(describeLayers(alexnet({ inputSize })).map((r) => r.outputShape)).toEqual(expectedOutputs);
    });
  }

  it('has conv fans k·k·C_in / k·k·C_out and dense fans in / units', () => {
    const layers = weightLayers(alexnet());
    expect(layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8']);
    expect(layers.map((l) => l.shape)).toEqual([
      [11, 11, 3, 96], [5, 5, 96, 256], [3, 3, 256, 384], [3, 3, 384, 384], [3, 3, 384, 256], [9216, 4096], [4096, 4096], [4096, 1000],
    ]);
    expect(layers.map((l) => l.fanIn)).toEqual([363, 2400, 2304, 3456, 3456, 9216, 4096, 4096]);
    expect(layers.map((l) => l.fanOut)).toEqual([11616, 6400, 3456, 3456, 2304, 4096, 4096, 1000]);
    expect(layers.map((l) => l.activation)).toEqual(['relu', 'relu', 'relu', 'relu', 'relu', 'relu', 'relu', 'linear']);
  });

  it('has 62,367,776 weights and 10,568 biases (one tower, no grouping)', () => {
    expect(countWeights(alexnet())).toBe(62_367_776);
    const params = describeLayers(alexnet()).reduce((sum, row) => sum + row.params, 0);
    expect(params - 62_367_776).toBe(10_568);
  });

  it('rejects other input sizes', () => {
    expect(() => alexnet({ inputSize: 256 as 224 })).toThrow(/224 or 227/);
  });
});

describe('computeFans matches TF.js/Keras', () => {
  it('dense, conv1d/2d/3d, and other ranks', () => {
    expect(computeFans([20, 30])).toEqual({ fanIn: 20, fanOut: 30 });
    expect(computeFans([3, 4, 5])).toEqual({ fanIn: 12, fanOut: 15 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([2, 3, 3, 4, 5])).toEqual({ fanIn: 72, fanOut: 90 });
    expect(computeFans([16])).toEqual({ fanIn: 4, fanOut: 4 });
  });
});

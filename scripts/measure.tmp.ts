import { setupBackend } from '/work/wt/train/src/cli/backend';
import { loadDataset } from '/work/wt/train/src/data/load';
import { train } from '/work/wt/train/src/engine/train';
import { TRAIN_INITS, initializerOf, trainingNetwork } from '/work/wt/train/src/components/widgets/lib/training';
await setupBackend();
const [dataset, activation, depth, width, steps] = [process.argv[2] as any, process.argv[3] as any, Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6])];
const data = await loadDataset(dataset);
for (const init of TRAIN_INITS) {
  const r = await train({ network: trainingNetwork({ dataset, depth, width, activation, residual: process.argv[7] === "residual" }), dataset: data, initializer: initializerOf(init, activation), optimizer: { kind: 'sgd', momentum: 0.9 }, learningRate: 0.01, batch: 32, steps, seed: 1, every: Math.max(1, Math.round(steps / 60)) });
  const f = r.points[0], l = r.points.at(-1)!;
  const g = f.layers.map((x) => x.gradNorm);
  console.log(`${init}: loss ${f.loss.toPrecision(3)} -> ${l.loss.toPrecision(3)}, acc ${(100*l.heldOutAccuracy).toFixed(1)}%, diverged ${JSON.stringify(r.diverged)}, grad0 L1 ${g[0].toPrecision(2)} Lmid ${g[Math.floor(g.length/2)].toPrecision(2)} Llast ${g.at(-1)!.toPrecision(2)}, zeros ${g.filter(v=>v===0).length}/${g.length}, upd1 ${r.points[1]?.layers[0].updateRatio.toPrecision(2)}, ${r.wallMs.toFixed(0)}ms`);
}

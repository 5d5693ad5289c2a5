/**
 * The workloads `npm run bench` times, each in initlab and, where it has one, in PyTorch (bench/pytorch_peer.py).
 * A new workload (e.g. training) is one more entry in WORKLOADS: its initlab side here, its PyTorch side a `peer`
 * request that bench/pytorch_peer.py understands.
 */
import { alexnet, createRandom, drawWeightTensors, mlp, prepareWeights, runLab, weightLayers, type NetworkSpec, type PreparedWeights } from '../src/engine/index';
import { sampleOrthogonal } from '../src/engine/orthogonal';

/**
 * PyTorch at `threads` threads, its BLAS included (Debian's torch calls OpenBLAS, which otherwise starts one thread
 * per core whatever torch is told), with idle OpenMP threads sleeping: spinning, they fight OpenBLAS's threads for
 * the cores (here a 2-thread training step took 1.9 s spinning, 0.03–0.07 s passive). The generous setting for the peer.
 */
export const PEER_THREAD_ENV = (threads: number) => ({ OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' });

/**
 * `--peer-simd128`: a second PyTorch held to the vector width WebAssembly SIMD has (128 bits, no fused multiply-add),
 * to tell what our code costs from what the instruction set costs: OpenBLAS's SSE kernels (its Nehalem core type),
 * oneDNN (convolutions) at SSE4.1, and ATen's own kernels without AVX2/AVX-512.
 */
export const PEER_SIMD128_ENV = { OPENBLAS_CORETYPE: 'Nehalem', ONEDNN_MAX_CPU_ISA: 'SSE41', DNNL_MAX_CPU_ISA: 'SSE41', ATEN_CPU_CAPABILITY: 'default' } as const;

/** What bench/pytorch_peer.py is asked to prepare; it then runs it on each `run` request. */
export interface PeerRequest {
  /** lab: runLab's statistics; init: He-normal weights; orthogonal: torch.nn.init.orthogonal_ with `gain`. */
  kind: 'lab' | 'init' | 'orthogonal';
  network?: NetworkSpec;
  weightShapes: number[][];
  batch?: number;
  backward?: boolean;
  /** Weights drawn inside each timed run (else once, before timing). */
  drawWeights?: boolean;
  gain?: number;
}

export interface BenchWorkload {
  id: string;
  name: string;
  /** The target: initlab's median over PyTorch's, measured in the same run. */
  targetRatio: number;
  /** Called once before the warm-up (untimed). */
  prepare?: () => void;
  run: () => Promise<void>;
  dispose?: () => void;
  peer: PeerRequest | null;
}

function labPeer(network: NetworkSpec, batch: number, backward: boolean, drawWeights: boolean): PeerRequest {
  return { kind: 'lab', network, weightShapes: weightLayers(network).map((l) => [...l.shape]), batch, backward, drawWeights };
}

const ORTHOGONAL_LAYERS = 100;

export function benchWorkloads(): BenchWorkload[] {
  const deepMlp = mlp({ depth: 50, width: 512, activation: 'relu' });
  const alex = alexnet({ inputSize: 227 });
  let alexWeights: PreparedWeights | undefined;
  return [
    {
      id: 'mlp', name: '(a) MLP 50×512 ReLU, b256, init + fwd + bwd', targetRatio: 1.0,
      run: async () => { await runLab({ network: deepMlp, initializer: { name: 'he_normal' }, batch: 256, backward: true }); },
      peer: labPeer(deepMlp, 256, true, true),
    },
    {
      id: 'alexnet-forward', name: '(b) AlexNet b4, forward statistics', targetRatio: 1.5,
      prepare: () => { alexWeights = prepareWeights(alex, { name: 'he_normal' }); },
      run: async () => { await runLab({ network: alex, weights: alexWeights!, batch: 4 }); },
      dispose: () => { alexWeights?.dispose(); alexWeights = undefined; },
      peer: labPeer(alex, 4, false, false),
    },
    {
      id: 'alexnet-init', name: '(c) AlexNet He init (61 M weights)', targetRatio: 1.0,
      // Weights drawn into backend tensors, as prepareWeights draws them (PyTorch: torch.empty(…).normal_()).
      run: async () => { drawWeightTensors(alex, { name: 'he_normal' }).forEach((t) => t.dispose()); },
      peer: { kind: 'init', network: alex, weightShapes: weightLayers(alex).map((l) => [...l.shape]) },
    },
    {
      // random.orthogonal of the learner tools; issue 10 asks for 100 layers of 512 × 512 in under 3 s.
      id: 'orthogonal', name: '(o) 100 orthogonal 512×512', targetRatio: 1.5,
      run: async () => {
        const random = createRandom(1);
        for (let i = 0; i < ORTHOGONAL_LAYERS; i++) sampleOrthogonal([512, 512], Math.SQRT2, random);
      },
      peer: { kind: 'orthogonal', weightShapes: Array.from({ length: ORTHOGONAL_LAYERS }, () => [512, 512]), gain: Math.SQRT2 },
    },
  ];
}

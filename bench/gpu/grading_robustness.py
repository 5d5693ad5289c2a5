"""
Cross-check of the grader's drift bands with an independent implementation (PyTorch), over many seeds.

Not part of the test suite or CI (it wants a CUDA GPU; it also runs, slowly, on a CPU with fewer seeds).
It mirrors src/engine/lab.ts and src/engine/grading.ts for plain dense networks:
  forward   y_l = h_{l-1} W_l,  h_l = φ(y_l),  x ~ N(0, 1)            measured: Var(y_l) over batch × units
  backward  L = Σ h_L ⊙ R, R ~ N(0, 1)                                 measured: Var(∂L/∂y_l)
  expected  the mean-field theory of src/engine/theory.ts for the exercise's reference initializer
  band      finiteWidthBand: 0.3 + 6·√(Σ κ/n_k)/ln 10, κ = 5 (ReLU) or 2 (tanh), summed from the anchor
A seed passes a phase when every layer's |log10(measured / expected)| ≤ its band.
Usage: python3 bench/gpu/grading_robustness.py [seeds]
"""
import math
import sys
import time

import torch

SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
dev = 'cuda' if torch.cuda.is_available() else 'cpu'
torch.backends.cuda.matmul.allow_tf32 = False  # float32 products, as the wasm backend computes them

phi = {'relu': torch.relu, 'tanh': torch.tanh}
dphi = {'relu': lambda y: (y > 0).float(), 'tanh': lambda y: 1 - torch.tanh(y) ** 2}
kappa = {'relu': 5.0, 'tanh': 2.0}

grid = torch.linspace(-10, 10, 4001, dtype=torch.float64)
gw = torch.exp(-0.5 * grid ** 2) / math.sqrt(2 * math.pi) * (grid[1] - grid[0])


def gauss(f):
    return float((gw * f(grid)).sum())


def mean_field(widths, act, wvar):
    """widths = [n0, n1, ..., nL]; wvar[l] = Var(W_l). Returns expected Var(y_l) and Var(∂L/∂y_l)."""
    q, m = [], 1.0
    for l in range(1, len(widths)):
        ql = widths[l - 1] * wvar[l - 1] * m
        q.append(ql)
        m = gauss(lambda z: phi[act](math.sqrt(ql) * z) ** 2)
    g, gpre = 1.0, [0.0] * len(q)
    for l in range(len(q) - 1, -1, -1):
        gpre[l] = g * gauss(lambda z: dphi[act](math.sqrt(q[l]) * z) ** 2)
        g = widths[l + 1] * wvar[l] * gpre[l]
    return q, gpre


def bands(widths, act):
    spread = [kappa[act] / n for n in widths[1:]]
    L = len(spread)
    fwd = [0.3 + 6 * math.sqrt(sum(spread[: i + 1])) / math.log(10) for i in range(L)]
    bwd = [0.3 + 6 * math.sqrt(sum(spread[i:])) / math.log(10) for i in range(L)]
    return torch.tensor(fwd, device=dev), torch.tensor(bwd, device=dev)


def sample(kind, shape, std):
    if kind == 'normal':
        return torch.randn(*shape, device=dev) * std
    if kind == 'uniform':  # std given; limit √3·std
        return (torch.rand(*shape, device=dev) * 2 - 1) * (math.sqrt(3) * std)
    if kind == 'tfjs_truncated':  # TF.js heNormal: N(0, σ²) truncated at ±2σ, σ NOT corrected
        z = torch.randn(*shape, device=dev)
        bad = z.abs() > 2
        while bad.any():
            z[bad] = torch.randn(int(bad.sum()), device=dev)
            bad = z.abs() > 2
        return z * std
    raise ValueError(kind)


def study(name, widths, act, batch, ref_std, candidates, chunk):
    L = len(widths) - 1
    q, gpre = mean_field(widths, act, [ref_std(widths[l], widths[l + 1]) ** 2 for l in range(L)])
    q = torch.tensor(q, device=dev, dtype=torch.float64)
    gpre = torch.tensor(gpre, device=dev, dtype=torch.float64)
    band_f, band_b = bands(widths, act)
    print(f'\n## {name}: widths {widths[0]}→…→{widths[-1]} ({L} layers), {act}, batch {batch}, {SEEDS} seeds')
    print('| initializer | forward pass rate | backward pass rate | worst fwd drift/band | worst bwd drift/band | median fwd drift at last layer (decades) |')
    print('|---|---|---|---|---|---|')
    for label, kind, std_fn in candidates:
        passes_f = passes_b = 0
        worst_f, worst_b = [], []
        last_drift = []
        done = 0
        while done < SEEDS:
            S = min(chunk, SEEDS - done)
            torch.manual_seed(1000003 * done + 17)
            h = torch.randn(S, batch, widths[0], device=dev)
            pre, Ws = [], []
            var_y = torch.empty(S, L, device=dev, dtype=torch.float64)
            for l in range(L):
                W = sample(kind, (S, widths[l], widths[l + 1]), std_fn(widths[l], widths[l + 1]))
                y = torch.bmm(h, W)
                var_y[:, l] = y.flatten(1).double().var(dim=1, unbiased=False)
                pre.append(y); Ws.append(W)
                h = phi[act](y)
            g = torch.randn_like(h)
            var_g = torch.empty(S, L, device=dev, dtype=torch.float64)
            for l in range(L - 1, -1, -1):
                gp = g * dphi[act](pre[l])
                var_g[:, l] = gp.flatten(1).double().var(dim=1, unbiased=False)
                g = torch.bmm(gp, Ws[l].transpose(1, 2))
            drift_f = torch.log10(var_y / q).abs() / band_f
            drift_b = torch.log10(var_g / gpre).abs() / band_b
            drift_f = torch.nan_to_num(drift_f, nan=float('inf'), posinf=float('inf'))
            drift_b = torch.nan_to_num(drift_b, nan=float('inf'), posinf=float('inf'))
            wf, wb = drift_f.max(dim=1).values, drift_b.max(dim=1).values
            passes_f += int((wf <= 1).sum()); passes_b += int((wb <= 1).sum())
            worst_f.append(wf); worst_b.append(wb)
            last_drift.append(torch.log10(var_y[:, -1] / q[-1]))
            done += S
            del pre, Ws, h, g
        wf, wb = torch.cat(worst_f), torch.cat(worst_b)
        ld = torch.cat(last_drift)
        agg = (lambda t: f'max {float(t.max()):.2f}') if label.startswith('✓') else (lambda t: f'min {float(t.min()):.2f}')
        print(f'| {label} | {passes_f / SEEDS:.4%} | {passes_b / SEEDS:.4%} | {agg(wf)} | {agg(wb)} | {float(ld.median()):+.2f} |')


t0 = time.time()
print(f'device: {torch.cuda.get_device_name() if dev == "cuda" else "cpu"}, torch {torch.__version__}')
he = lambda i, o: math.sqrt(2 / i)
lecun = lambda i, o: math.sqrt(1 / i)
glorot = lambda i, o: math.sqrt(2 / (i + o))
study('he-relu-50', [512] * 51, 'relu', 64, he, [
    ('✓ He normal', 'normal', he),
    ('✓ He uniform', 'uniform', he),
    ('✗ LeCun normal', 'normal', lecun),
    ('✗ TF.js heNormal (truncated, uncorrected)', 'tfjs_truncated', he),
    ('✗ He × 1.1', 'normal', lambda i, o: 1.1 * he(i, o)),
], chunk=256)
study('lecun-tanh', [256] * 31, 'tanh', 64, lecun, [
    ('✓ LeCun normal', 'normal', lecun),
    ('✗ He normal', 'normal', he),
    ('✗ ½ LeCun', 'normal', lambda i, o: 0.5 * lecun(i, o)),
], chunk=1024)
study('glorot-uniform', [784, 512, 256, 256, 128, 64, 10], 'tanh', 64, glorot, [
    ('✓ Glorot uniform', 'uniform', glorot),
    ('✗ limit √(2/(in+out)) (missing √3)', 'uniform', lambda i, o: glorot(i, o) / math.sqrt(3)),
    ('✗ limit √(3/in) (fan_in only)', 'uniform', lambda i, o: math.sqrt(1 / i)),
], chunk=2048)
print(f'\nwall time {time.time() - t0:.1f} s')

"""PyTorch twin of scripts/bench/train-mlp.ts: the same training run, for `npm run bench`'s ratio.

30-layer, 256-wide ReLU MLP (29 hidden layers + a 10-way linear head, biases at 0), He-normal weights,
300 steps of SGD (momentum 0.9, lr 0.01), batches of 64 from the digits' training split (the same file,
split and standardization as src/engine/datasets.ts), and every 10 steps (and at the last) the per-layer
gradient norm, the update-to-weight ratio and the held-out accuracy. Prints {"wall": s, "cpu": s} as JSON.
Usage: python3 bench/train_mlp.py src/data/digits.bin [threads, default 1]

PyTorch's threads and its BLAS's (Debian's torch calls OpenBLAS, which otherwise starts one thread per core
whatever torch.set_num_threads says) are both set to `threads`, so "1 thread" means one, and idle OpenMP
threads sleep instead of spinning against OpenBLAS's (as scripts/bench.ts's PEER_THREAD_ENV).
"""
import json
import os
import struct
import sys
import time

THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
for name, value in (("OPENBLAS_NUM_THREADS", str(THREADS)), ("OMP_NUM_THREADS", str(THREADS)), ("OMP_WAIT_POLICY", "PASSIVE")):
    os.environ.setdefault(name, value)  # npm run bench sets them (PEER_THREAD_ENV); these are for running it alone

import numpy as np  # noqa: E402  (after the thread counts: OpenBLAS reads them when it loads)
import torch  # noqa: E402

torch.set_num_threads(THREADS)
DEPTH, WIDTH, STEPS, BATCH, EVERY, LR, MOMENTUM = 30, 256, 300, 64, 10, 0.01, 0.9


def load_digits(path):
    raw = open(path, "rb").read()
    assert raw[:8] == b"INITDIG1", f"{path}: not a digits file"
    (count,) = struct.unpack("<I", raw[8:12])
    records = np.frombuffer(raw[16:], dtype=np.uint8).reshape(count, 65)
    x, y = records[:, :64].astype(np.float64), records[:, 64].astype(np.int64)
    held = np.arange(count) % 5 == 4
    mean, std = x[~held].mean(0), x[~held].std(0)
    std[std ** 2 <= 1e-6] = 1
    x = ((x - mean) / std).astype(np.float32)
    return torch.from_numpy(x[~held]), torch.from_numpy(y[~held]), torch.from_numpy(x[held]), torch.from_numpy(y[held])


def main():
    xt, yt, xh, yh = load_digits(sys.argv[1])
    torch.manual_seed(1)
    layers = []
    fan_in = 64
    for i in range(DEPTH):
        out = WIDTH if i < DEPTH - 1 else 10
        lin = torch.nn.Linear(fan_in, out)
        torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        torch.nn.init.zeros_(lin.bias)
        layers += [lin] + ([torch.nn.ReLU()] if i < DEPTH - 1 else [])
        fan_in = out
    model = torch.nn.Sequential(*layers)
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(1)
    order = torch.randperm(len(xt), generator=generator)
    pos = 0
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for step in range(STEPS):
        if pos + BATCH > len(order):
            order, pos = torch.randperm(len(xt), generator=generator), 0
        idx = order[pos:pos + BATCH]
        pos += BATCH
        loss = loss_fn(model(xt[idx]), yt[idx])
        opt.zero_grad()
        loss.backward()
        if not torch.isfinite(loss):
            break
        record = step % EVERY == 0 or step == STEPS - 1
        if record:
            grad_norms = [w.grad.norm().item() for w in weights]
            before = [w.detach().clone() for w in weights]
        opt.step()
        if record:
            ratios = [(w.detach() - b).norm().item() / max(b.norm().item(), 1e-30) for w, b in zip(weights, before)]
            with torch.no_grad():
                accuracy = (model(xh).argmax(1) == yh).float().mean().item()
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - cpu0, "loss": loss.item(), "accuracy": accuracy}))


if __name__ == "__main__":
    main()

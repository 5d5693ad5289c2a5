"""PyTorch peer for `npm run bench` (scripts/bench.ts): runs the same workloads, one at a time, on request.

Started as `python3 bench/pytorch_peer.py THREADS`; reads one JSON request per line on stdin, answers one JSON
line on stdout. Requests:
  {"op": "prepare", "id": ..., "kind": "lab" | "init" | "orthogonal", "network": NetworkSpec,
   "weightShapes": [[...], ...], "batch": n, "backward": bool, "drawWeights": bool, "gain": g}
  {"op": "run", "id": ...}  ->  {"wall": seconds, "cpu": seconds}
The network arrives as initlab's own NetworkSpec (channels last), so both sides run the one definition.
Per weight layer the lab workload computes what initlab's runLab reports: the pre-activations' mean and
variance, E[a^2], the zero fraction and a 40-bin histogram over mean +- 4 std; with backward, the variance of
dL/dy and of dL/dW for L = sum(h_L * R), R ~ N(0, 1), by autograd (all of dL/dW, where initlab samples 64
columns of wide dense layers).
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

BINS = 40


def he_std(shape):
    fan_in = math.prod(shape[:-1])
    return math.sqrt(2.0 / fan_in)


def draw_weights(shapes):
    """He-normal weights in PyTorch's layouts: dense [units, in], conv [out, in, kh, kw]."""
    weights = []
    for shape in shapes:
        if len(shape) == 2:
            w = torch.empty(shape[1], shape[0]).normal_(0.0, he_std(shape))
        else:
            kh, kw, cin, cout = shape
            w = torch.empty(cout, cin, kh, kw).normal_(0.0, he_std(shape))
        weights.append(w)
    return weights


def draw_orthogonal(shapes, gain):
    """torch.nn.init.orthogonal_ (QR of a Gaussian matrix, signs fixed by R's diagonal), layout [units, in]."""
    for shape in shapes:
        torch.nn.init.orthogonal_(torch.empty(shape[1], math.prod(shape[:-1])), gain=gain)


def activate(y, activation):
    if activation == "relu":
        return F.relu(y)
    if activation == "leaky_relu":
        return F.leaky_relu(y, 0.01)
    if activation == "tanh":
        return torch.tanh(y)
    if activation == "sigmoid":
        return torch.sigmoid(y)
    return y


def forward_stats(y, a):
    with torch.no_grad():
        mean = y.mean().item()
        var = y.var(unbiased=False).item()
        std = math.sqrt(max(var, 0.0))
        return (mean, var, a.square().mean().item(), (a == 0).float().mean().item(),
                torch.histc(y, BINS, mean - 4 * std, mean + 4 * std) if std > 0 else None)


def run_lab(network, weights, batch, backward):
    if len(network["input"]) == 3:
        x = torch.randn(batch, network["input"][2], network["input"][0], network["input"][1])
    else:
        x = torch.randn(batch, network["input"][0])
    if backward:
        for w in weights:
            w.requires_grad_(True)
    pre = []
    h = x
    index = 0
    with torch.set_grad_enabled(backward):
        for spec in network["layers"]:
            kind = spec["kind"]
            if kind == "maxpool":
                h = F.max_pool2d(h, spec["size"], spec["stride"])
                continue
            if kind == "flatten":
                # Channels last, as initlab flattens: [B, C, H, W] -> [B, H, W, C] -> [B, H*W*C].
                h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)
                continue
            w = weights[index]
            index += 1
            if kind == "dense":
                y = h @ w.t()
            else:
                padding = spec.get("padding", "valid")
                y = F.conv2d(h, w, stride=spec.get("stride", 1), padding=padding)
            if backward:
                y.retain_grad()
            a = activate(y, spec["activation"])
            forward_stats(y, a)
            pre.append(y)
            h = h + a if spec.get("residual") else a
    if backward:
        projection = torch.randn(h.shape)
        (h * projection).sum().backward()
        with torch.no_grad():
            for y, w in zip(pre, weights):
                y.grad.var(unbiased=False).item()
                w.grad.var(unbiased=False).item()
                w.grad = None
                w.requires_grad_(False)


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    prepared = {}
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "prepare":
            if not request.get("drawWeights") and request["kind"] == "lab":
                request["weights"] = draw_weights(request["weightShapes"])
            prepared[request["id"]] = request
            answer = {"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()}
        else:
            job = prepared[request["id"]]
            cpu0 = time.process_time()
            wall0 = time.perf_counter()
            if job["kind"] == "init":
                draw_weights(job["weightShapes"])
            elif job["kind"] == "orthogonal":
                draw_orthogonal(job["weightShapes"], job["gain"])
            else:
                weights = job.get("weights") or draw_weights(job["weightShapes"])
                run_lab(job["network"], weights, job["batch"], job["backward"])
            answer = {"wall": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

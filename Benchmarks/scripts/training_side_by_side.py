#!/usr/bin/env python3
"""Denoising-score-matching training side by side: fplab (float32 and float64), PyTorch (CPU, float32) and numpy.

The same training loop everywhere: a 3x128 SiLU MLP predicting eps from [x_n, emb(n)] (sinusoidal embedding, 64
features, from a table of the 1000 integer steps), DDPM schedule N = 1000, beta linear 1e-4..0.02; per update a batch
of 512 examples: a training point (uniform over 2000 Swiss-roll points), a step n uniform on 1..1000, eps ~ N(0, I);
x_n = sqrt(abar_n) x_0 + sqrt(1 - abar_n) eps; loss mean over the batch of |eps_hat - eps|^2; Adam (lr 1e-3, 0.9,
0.999, 1e-8); initialization uniform on +-1/sqrt(fan_in) (PyTorch's nn.Linear default, and fplab's). Each runs in
a process of its own with 2 threads (fplab --threads 2, torch.set_num_threads(2), OPENBLAS_NUM_THREADS=2 for numpy).

Throughput is examples per second of the training loop (fplab's training_seconds; the peers time their loop the
same way, after 10 warm-up updates, which their loss curves include); the loss curves (mean of each block of 100
updates, from update 1) are printed beside each other: the runs draw different random numbers, so their curves
agree in level and shape, not update by update.
PyTorch is needed for its column only (pip install torch); numpy and scipy suffice for the rest.

Usage (from the repository root, after `swift build -c release --product fplab`):

    python3 Benchmarks/scripts/training_side_by_side.py [--fplab .build/release/fplab] [--steps 2000]
        [--repetitions 3] [--json results.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

WIDTH, DEPTH, BATCH, TRAINING_POINTS, FEATURES = 128, 3, 512, 2000, 64


def swiss_roll(count, rng):
    tau = 1.5 * np.pi * (1 + 2 * rng.random(count))
    return np.stack([tau * np.cos(tau), tau * np.sin(tau)], axis=1) / 10


def schedule(steps=1000, first=1e-4, last=0.02):
    beta = first + (last - first) * np.arange(steps) / (steps - 1)
    abar = np.concatenate([[1.0], np.cumprod(1 - beta)])
    return np.sqrt(abar), np.sqrt(1 - abar)


def embedding_table(steps=1000):
    frequencies = np.exp(-np.log(1e4) * np.arange(FEATURES // 2) / (FEATURES // 2 - 1))
    n = np.arange(steps + 1, dtype=np.float64)[:, None]
    return np.concatenate([np.sin(n * frequencies), np.cos(n * frequencies)], axis=1)


def numpy_worker(steps, dtype, seed):
    """The loop with numpy arrays of `dtype` (matrix products through numpy's BLAS)."""
    rng = np.random.default_rng(seed)
    data = swiss_roll(TRAINING_POINTS, rng).astype(dtype)
    signal, noise = (s.astype(dtype) for s in schedule())
    table = embedding_table().astype(dtype)
    widths = [2 + FEATURES] + [WIDTH] * DEPTH + [2]
    parameters = []
    for inner, outer in zip(widths, widths[1:]):
        bound = 1 / np.sqrt(inner)
        parameters += [rng.uniform(-bound, bound, (inner, outer)).astype(dtype),
                       rng.uniform(-bound, bound, outer).astype(dtype)]
    first = [np.zeros_like(p) for p in parameters]
    second = [np.zeros_like(p) for p in parameters]
    layers = len(parameters) // 2

    def update(count):
        points = data[rng.integers(0, len(data), BATCH)]
        n = rng.integers(1, 1001, BATCH)
        eps = rng.standard_normal((BATCH, 2)).astype(dtype)
        z = np.concatenate([signal[n, None] * points + noise[n, None] * eps, table[n]], axis=1)
        activations, saved = [z], []
        for layer in range(layers):
            a = activations[-1] @ parameters[2 * layer] + parameters[2 * layer + 1]
            if layer < layers - 1:
                s = 1 / (1 + np.exp(-a))
                saved.append((a, s))
                activations.append(a * s)
            else:
                output = a
        residual = output - eps
        upstream = (2 / BATCH) * residual
        gradients = [None] * len(parameters)
        for layer in reversed(range(layers)):
            gradients[2 * layer] = activations[layer].T @ upstream
            gradients[2 * layer + 1] = upstream.sum(axis=0)
            if layer > 0:
                a, s = saved[layer - 1]
                upstream = (upstream @ parameters[2 * layer].T) * (s * (1 + a * (1 - s)))
        first_correction = 1 / (1 - 0.9 ** count)
        second_correction = 1 / (1 - 0.999 ** count)
        for p, g, m, v in zip(parameters, gradients, first, second):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= 1e-3 * (m * first_correction) / (np.sqrt(v * second_correction) + 1e-8)
        return float(np.mean(np.sum(residual * residual, axis=1)))

    losses = [update(count) for count in range(1, 11)]   # warm-up: in the loss curve, not in the timing
    start = time.perf_counter()
    losses += [update(count) for count in range(11, steps + 11)]
    return time.perf_counter() - start, losses[:steps]


def torch_worker(steps, seed):
    """The loop in PyTorch, float32 on the CPU: nn.Linear layers, SiLU, autograd, torch.optim.Adam."""
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    data = torch.tensor(swiss_roll(TRAINING_POINTS, rng), dtype=torch.float32)
    signal, noise = (torch.tensor(s, dtype=torch.float32) for s in schedule())
    table = torch.tensor(embedding_table(), dtype=torch.float32)
    layers = []
    widths = [2 + FEATURES] + [WIDTH] * DEPTH
    for inner, outer in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(inner, outer), torch.nn.SiLU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(WIDTH, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def update():
        index = torch.randint(0, TRAINING_POINTS, (BATCH,))
        n = torch.randint(1, 1001, (BATCH,))
        eps = torch.randn(BATCH, 2)
        x = signal[n, None] * data[index] + noise[n, None] * eps
        loss = ((model(torch.cat([x, table[n]], dim=1)) - eps) ** 2).sum(dim=1).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    losses = [update() for _ in range(10)]   # warm-up: in the loss curve, not in the timing
    start = time.perf_counter()
    losses += [update() for _ in range(steps)]
    return time.perf_counter() - start, losses[:steps]


def fplab_run(fplab, steps, precision):
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "run")
        result = subprocess.run(
            [fplab, "train", "--steps", str(steps), "--batch", str(BATCH), "--width", str(WIDTH), "--depth",
             str(DEPTH), "--precision", precision, "--threads", "2", "--samples", "10", "--sampling-steps", "10",
             "--format", "json", "--output", output], check=True, capture_output=True, text=True)
        seconds = json.loads(result.stdout)["training_seconds"]
        with open(os.path.join(output, "loss.csv")) as file:
            rows = [line.strip().split(",") for line in file][1:]
        return seconds, [float(row[-1]) for row in rows]


def worker_main(arguments):
    if arguments.worker == "torch":
        seconds, losses = torch_worker(arguments.steps, arguments.seed)
    else:
        seconds, losses = numpy_worker(arguments.steps, np.float32 if arguments.worker == "numpy32" else np.float64,
                                       arguments.seed)
    json.dump({"seconds": seconds, "losses": losses}, sys.stdout)


def run_worker(kind, steps, seed):
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    result = subprocess.run([sys.executable, __file__, "--worker", kind, "--steps", str(steps), "--seed", str(seed)],
                            check=True, capture_output=True, text=True, env=environment)
    payload = json.loads(result.stdout)
    return payload["seconds"], payload["losses"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fplab", default=".build/release/fplab")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--worker", choices=["torch", "numpy32", "numpy64"], help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        return worker_main(arguments)
    try:
        import torch  # noqa: F401
        kinds = ["fplab float32", "fplab float64", "torch float32", "numpy float32", "numpy float64"]
    except ImportError:
        print("PyTorch is not installed: its column is left out (pip install torch)", file=sys.stderr)
        kinds = ["fplab float32", "fplab float64", "numpy float32", "numpy float64"]
    best = {kind: (float("inf"), None) for kind in kinds}
    for repetition in range(arguments.repetitions):
        for kind in kinds:   # interleaved, so that a busy moment of the machine does not fall on one column only
            if kind.startswith("fplab"):
                seconds, losses = fplab_run(arguments.fplab, arguments.steps, kind.split()[1])
            else:
                name = {"torch float32": "torch", "numpy float32": "numpy32", "numpy float64": "numpy64"}[kind]
                seconds, losses = run_worker(name, arguments.steps, repetition + 1)
            if seconds < best[kind][0]:
                best[kind] = (seconds, losses)
    rates = {kind: arguments.steps * BATCH / seconds for kind, (seconds, _) in best.items()}
    print(f"{arguments.steps} updates of batch {BATCH}, 3x128 SiLU, 2 threads; best of {arguments.repetitions}")
    print(f"{'run':16} {'examples/s':>12} {'fplab float32 / run':>20}")
    for kind in kinds:
        print(f"{kind:16} {rates[kind]:12.0f} {rates['fplab float32'] / rates[kind]:20.2f}")
    print("\nloss curves (mean of each block of 100 updates)")
    print(f"{'updates':>10} " + " ".join(f"{kind:>14}" for kind in kinds))
    for block in range(arguments.steps // 100):
        means = [np.mean(best[kind][1][100 * block:100 * (block + 1)]) for kind in kinds]
        print(f"{100 * block + 1:>5}-{100 * (block + 1):<4} " + " ".join(f"{mean:14.4f}" for mean in means))
    if arguments.json:
        with open(arguments.json, "w") as file:
            json.dump({"steps": arguments.steps, "batch": BATCH, "rates": rates,
                       "loss_curves": {kind: best[kind][1] for kind in kinds}}, file)


if __name__ == "__main__":
    main()

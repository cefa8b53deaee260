#!/usr/bin/env python3
"""Particle kernels of the sampler core next to the same algorithms in numpy, on this machine.

1. 1-D OU Euler-Maruyama, x += h f x + g sqrt(h) z, 10^7 particles (numpy: in-place ops, standard_normal into a
   preallocated buffer).
2. One reverse-SDE step in 2-D with the finite-dataset score (THEORY §7): N = 10^4 training points, M = 10^4
   particles; numpy computes the softmax in chunks of 1000 particles (logits by a matrix product, max subtraction,
   exp, weighted sums by a matrix product), never materializing N x M at once.

The Swift times come from `fplab sample --format json` ("sampling_seconds"), with two step counts so that the cost
of drawing the initial particles cancels. Usage (from the repository root, after `swift build -c release`):

    python3 Benchmarks/scripts/particle_baseline.py [--fplab .build/release/fplab] [--repetitions 3]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np


def best_of(repetitions, function):
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def fplab_seconds(fplab, arguments, repetitions):
    best = float("inf")
    for _ in range(repetitions):
        output = subprocess.run([fplab, "sample", "--format", "json", *arguments], check=True, capture_output=True, text=True)
        best = min(best, json.loads(output.stdout)["sampling_seconds"])
    return best


def numpy_ornstein_uhlenbeck(count, steps, step):
    generator = np.random.default_rng(1)
    positions = generator.standard_normal(count)
    noise = np.empty(count)
    scale = np.sqrt(2 * step)
    for _ in range(steps):
        generator.standard_normal(out=noise)
        noise *= scale
        positions *= 1 - step
        positions += noise
    return positions


def numpy_normals(count, steps):
    generator = np.random.default_rng(1)
    noise = np.empty(count)
    for _ in range(steps):
        generator.standard_normal(out=noise)


def numpy_finite_data_step(data, points, time_value, chunk=1000):
    scale, variance = np.exp(-time_value), 1 - np.exp(-2 * time_value)
    half_norms = 0.5 * (data ** 2).sum(axis=1)
    means = np.empty_like(points)
    for start in range(0, len(points), chunk):
        block = points[start:start + chunk]
        logits = (scale * (block @ data.T) - scale * scale * half_norms) / variance
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        weights /= weights.sum(axis=1, keepdims=True)
        means[start:start + chunk] = weights @ data
    scores = (scale * means - points) / variance
    step = 0.001
    noise = np.random.default_rng(2).standard_normal(points.shape)
    return points + step * (points + 2 * scores) + np.sqrt(2 * step) * noise


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fplab", default=".build/release/fplab")
    parser.add_argument("--kernels", default="Benchmarks/.build/release/fplab-kernels",
                        help="the fplab-kernels timer (swift build -c release --package-path Benchmarks --product fplab-kernels)")
    parser.add_argument("--repetitions", type=int, default=3)
    arguments = parser.parse_args()
    repetitions = arguments.repetitions
    rows = []

    # 1. OU Euler-Maruyama, 10^7 particles: per-step cost from 2 and 12 steps.
    count, (few, many) = 10_000_000, (2, 12)
    numpy_step = (best_of(repetitions, lambda: numpy_ornstein_uhlenbeck(count, many, 0.01))
                  - best_of(repetitions, lambda: numpy_ornstein_uhlenbeck(count, few, 0.01))) / (many - few)
    numpy_normal = (best_of(repetitions, lambda: numpy_normals(count, many))
                    - best_of(repetitions, lambda: numpy_normals(count, few))) / (many - few)
    swift_normal = None
    if os.path.exists(arguments.kernels):
        output = subprocess.run([arguments.kernels, "--kernels", "normals", "--points", str(count), "--dimension", "1",
                                 "--repetitions", str(max(3, repetitions))], check=True, capture_output=True, text=True)
        swift_normal = json.loads(output.stdout)["kernels"]["normals"]["secondsPerCall"]
    for threads in (1, 2):
        common = ["--direction", "forward", "--integrator", "euler-maruyama", "--particles", str(count), "--threads", str(threads)]
        swift_step = (fplab_seconds(arguments.fplab, common + ["--steps", str(many)], repetitions)
                      - fplab_seconds(arguments.fplab, common + ["--steps", str(few)], repetitions)) / (many - few)
        floor = ""
        if swift_normal:
            floor = f"; Swift normals alone {count / swift_normal / 1e6:.0f} M/s per thread, step/normals = {swift_normal / (swift_step * threads):.0%} of {threads} thread(s)"
        rows.append((f"OU Euler-Maruyama, 1e7 particles, {threads} thread(s)", swift_step, numpy_step,
                     f"{count / swift_step / 1e6:.0f} M particle-steps/s; numpy normals alone {count / numpy_normal / 1e6:.0f} M/s{floor}"))

    # 2. Finite-dataset score step, N = M = 10^4, d = 2.
    generator = np.random.default_rng(0)
    data, points = generator.standard_normal((10_000, 2)), generator.standard_normal((10_000, 2))
    numpy_score = best_of(repetitions, lambda: numpy_finite_data_step(data, points, 0.5))
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "data.npy")
        np.save(path, data)
        for threads in (1, 2):
            common = ["--data", path, "--particles", "10000", "--schedule", "uniform", "--time", "1", "--t-min", "0.5",
                      "--threads", str(threads)]
            swift_step = (fplab_seconds(arguments.fplab, common + ["--steps", "3"], repetitions)
                          - fplab_seconds(arguments.fplab, common + ["--steps", "1"], repetitions)) / 2
            rows.append((f"finite-data score step, N = M = 1e4, d = 2, {threads} thread(s)", swift_step, numpy_score,
                         f"{1e8 / swift_step / 1e6:.0f} M pairs/s"))

    print(f"{'kernel':58} {'Swift s/step':>13} {'numpy s/step':>13} {'numpy/Swift':>12}  note")
    for name, swift, baseline, note in rows:
        print(f"{name:58} {swift:13.4g} {baseline:13.4g} {baseline / swift:12.2f}  {note}")


if __name__ == "__main__":
    main()

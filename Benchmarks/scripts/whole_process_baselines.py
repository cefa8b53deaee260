#!/usr/bin/env python3
"""Two fplab runs written as tuned numpy programs, to be timed against fplab as whole processes, side by side.

ou: `fplab sample --direction forward --integrator euler-maruyama --particles 10000000 --steps 50` -- the 1-D
    mixture 0.3:-2:0.2;0.7:1.5:0.5 (fplab's default), OU dX = -X dt + sqrt(2) dB, 50 Euler-Maruyama steps of
    h = 0.02 to T = 1 (in-place operations, normals into a preallocated buffer), then the mean and variance.
finite-data: `fplab sample --data DATA.npy --particles 10000 --schedule uniform --time 1 --t-min 0.5 --steps 10`
    -- N = 10^4 training points in 2-D, M = 10^4 particles started from the exact law at T = 1
    (e^-T y_i + sqrt(1 - e^-2T) z, y_i uniform over the data), 10 reverse Euler-Maruyama steps to t = 0.5 with the
    exact finite-data score (THEORY §7): logits by a matrix product in chunks of 1000 particles, max subtraction,
    exp, weighted sums by a matrix product (never N x M at once). `--write-data FILE` saves the data set used.

    python3 Benchmarks/scripts/whole_process_baselines.py ou
    python3 Benchmarks/scripts/whole_process_baselines.py finite-data --write-data /tmp/data.npy
"""
import argparse

import numpy as np


def ornstein_uhlenbeck(count=10_000_000, steps=50, end_time=1.0):
    step = end_time / steps
    generator = np.random.default_rng(1)
    component = generator.random(count) < 0.3
    positions = np.where(component, -2.0, 1.5) + np.where(component, 0.2, 0.5) * generator.standard_normal(count)
    noise = np.empty(count)
    scale = np.sqrt(2 * step)
    for _ in range(steps):
        generator.standard_normal(out=noise)
        noise *= scale
        positions *= 1 - step
        positions += noise
    print(positions.mean(), positions.var(ddof=1))


def finite_data(data, particles=10_000, steps=10, start=1.0, end=0.5, chunk=1000):
    generator = np.random.default_rng(2)
    half_norms = 0.5 * (data ** 2).sum(axis=1)
    choice = generator.integers(0, len(data), particles)
    points = np.exp(-start) * data[choice] + np.sqrt(1 - np.exp(-2 * start)) * generator.standard_normal((particles, 2))
    means = np.empty_like(points)
    width = (start - end) / steps
    for index in range(steps):
        time_value = start - index * width
        scale, variance = np.exp(-time_value), 1 - np.exp(-2 * time_value)
        for first in range(0, particles, chunk):
            block = points[first:first + chunk]
            logits = (scale * (block @ data.T) - scale * scale * half_norms) / variance
            logits -= logits.max(axis=1, keepdims=True)
            weights = np.exp(logits)
            weights /= weights.sum(axis=1, keepdims=True)
            means[first:first + chunk] = weights @ data
        scores = (scale * means - points) / variance
        points = points + width * (points + 2 * scores) + np.sqrt(2 * width) * generator.standard_normal(points.shape)
    print(points.mean(axis=0), points.var(axis=0, ddof=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", choices=["ou", "finite-data"])
    parser.add_argument("--write-data", help="finite-data: save the 10^4 x 2 data set here (.npy)")
    arguments = parser.parse_args()
    if arguments.run == "ou":
        ornstein_uhlenbeck()
    else:
        data = np.random.default_rng(0).standard_normal((10_000, 2))
        if arguments.write_data:
            np.save(arguments.write_data, data)
        finite_data(data)


if __name__ == "__main__":
    main()

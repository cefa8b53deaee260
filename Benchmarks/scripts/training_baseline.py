#!/usr/bin/env python3
"""Denoising-score-matching training throughput: `fplab train` against the same training loop in numpy.

The loop (both sides, float64): a 3x128 SiLU MLP predicting eps from [x_n, emb(n)] (sinusoidal embedding, 64
features, from a table of the 1000 integer steps), DDPM schedule N = 1000, beta linear 1e-4..0.02; per update a
batch of 512 examples: a training point (uniform over 2000 Swiss-roll points), a step n uniform on 1..1000 and
eps ~ N(0, I); x_n = sqrt(abar_n) x_0 + sqrt(1 - abar_n) eps; loss mean |eps_hat - eps|^2; backpropagation by
matrix products (the same products Swift sends to dgemm), Adam (lr 1e-3, 0.9, 0.999, 1e-8). numpy runs with the
BLAS threads it is given (OPENBLAS_NUM_THREADS, default: the machine's cores); fplab with --threads.

Prints examples per second for each and the ratio fplab / numpy (target >= 3). Usage (from the repository root,
after `swift build -c release --product fplab`):

    python3 Benchmarks/scripts/training_baseline.py [--fplab .build/release/fplab] [--steps 300] [--threads 2]
        [--repetitions 3]
"""
import argparse
import json
import subprocess
import time

import numpy as np


def swiss_roll(count, rng):
    tau = 1.5 * np.pi * (1 + 2 * rng.random(count))
    return np.stack([tau * np.cos(tau), tau * np.sin(tau)], axis=1) / 10


def schedule(steps=1000, first=1e-4, last=0.02):
    beta = first + (last - first) * np.arange(steps) / (steps - 1)
    abar = np.concatenate([[1.0], np.cumprod(1 - beta)])
    return np.sqrt(abar), np.sqrt(1 - abar)


def embedding_table(steps=1000):
    frequencies = np.exp(-np.log(1e4) * np.arange(32) / 31)
    n = np.arange(steps + 1, dtype=np.float64)[:, None]
    return np.concatenate([np.sin(n * frequencies), np.cos(n * frequencies)], axis=1)


class NumpyTrainer:
    """The training loop of ScoreNetworks.DenoisingTrainer, written with numpy arrays."""

    def __init__(self, data, width=128, depth=3, batch=512, learning_rate=1e-3, seed=1):
        self.rng = np.random.default_rng(seed)
        self.data, self.batch, self.learning_rate = data, batch, learning_rate
        self.signal, self.noise = schedule()
        self.table = embedding_table()
        widths = [2 + 64] + [width] * depth + [2]
        self.parameters = []
        for inner, outer in zip(widths, widths[1:]):
            bound = 1 / np.sqrt(inner)
            self.parameters += [self.rng.uniform(-bound, bound, (inner, outer)), self.rng.uniform(-bound, bound, outer)]
        self.first = [np.zeros_like(p) for p in self.parameters]
        self.second = [np.zeros_like(p) for p in self.parameters]
        self.step_count = 0

    def step(self):
        rng, batch = self.rng, self.batch
        points = self.data[rng.integers(0, len(self.data), batch)]
        steps = rng.integers(1, 1001, batch)
        eps = rng.standard_normal((batch, 2))
        x = self.signal[steps, None] * points + self.noise[steps, None] * eps
        z = np.concatenate([x, self.table[steps]], axis=1)
        activations, sigmoids = [z], []
        layers = len(self.parameters) // 2
        for layer in range(layers):
            weights, biases = self.parameters[2 * layer], self.parameters[2 * layer + 1]
            a = activations[-1] @ weights + biases
            if layer < layers - 1:
                s = 1 / (1 + np.exp(-a))
                sigmoids.append((a, s))
                activations.append(a * s)
            else:
                output = a
        residual = output - eps
        loss = np.mean(np.sum(residual * residual, axis=1))
        upstream = 2 * residual / batch
        gradients = [None] * len(self.parameters)
        for layer in reversed(range(layers)):
            gradients[2 * layer] = activations[layer].T @ upstream
            gradients[2 * layer + 1] = upstream.sum(axis=0)
            if layer > 0:
                a, s = sigmoids[layer - 1]
                upstream = (upstream @ self.parameters[2 * layer].T) * (s * (1 + a * (1 - s)))
        self.step_count += 1
        first_correction = 1 / (1 - 0.9 ** self.step_count)
        second_correction = 1 / (1 - 0.999 ** self.step_count)
        for p, g, m, v in zip(self.parameters, gradients, self.first, self.second):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= self.learning_rate * (m * first_correction) / (np.sqrt(v * second_correction) + 1e-8)
        return loss


def numpy_throughput(steps, repetitions):
    best = 0.0
    for repetition in range(repetitions):
        trainer = NumpyTrainer(swiss_roll(2000, np.random.default_rng(repetition)))
        for _ in range(10):
            trainer.step()   # warm-up
        start = time.perf_counter()
        losses = [trainer.step() for _ in range(steps)]
        elapsed = time.perf_counter() - start
        best = max(best, steps * trainer.batch / elapsed)
    return best, float(np.mean(losses[-50:]))


def fplab_throughput(fplab, steps, threads, repetitions):
    best, loss = 0.0, float("nan")
    for _ in range(repetitions):
        output = subprocess.run([fplab, "train", "--steps", str(steps), "--batch", "512", "--width", "128", "--depth", "3",
                                 "--threads", str(threads), "--samples", "10", "--sampling-steps", "10", "--format", "json"],
                                check=True, capture_output=True, text=True)
        result = json.loads(output.stdout)
        if result["examples_per_second"] > best:
            best, loss = result["examples_per_second"], result["final_loss"]
    return best, loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fplab", default=".build/release/fplab")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=3)
    arguments = parser.parse_args()
    numpy_rate, numpy_loss = numpy_throughput(arguments.steps, arguments.repetitions)
    swift_rate, swift_loss = fplab_throughput(arguments.fplab, arguments.steps, arguments.threads, arguments.repetitions)
    print(f"numpy : {numpy_rate:10.0f} examples/s (mean loss of the last updates {numpy_loss:.3f})")
    print(f"fplab : {swift_rate:10.0f} examples/s with --threads {arguments.threads} (mean loss of the last 100 updates {swift_loss:.3f})")
    print(f"ratio fplab / numpy: {swift_rate / numpy_rate:.2f} (target >= 3)")


if __name__ == "__main__":
    main()

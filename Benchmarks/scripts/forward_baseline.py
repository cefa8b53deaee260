#!/usr/bin/env python3
"""`fplab forward --dimension 2 --points 1024 --steps 40` as a scipy.fft program: the same run, whole process.

What both do: sample the initial mixture 0.5:-1.5,0:0.5;0.5:1.5,1:0.5 (fplab's 2-D default) at the cell centres of
[-8, 8]^2 (periodic, n x n cells), take `steps` IF-RK4 steps of the OU Fokker-Planck equation to T = 1 (the step of
spectral_step_baseline.py, operation for operation the Swift solver's), and at t = 0 and the 4 snapshot times
j T / 4 print the L1 and max errors against the exact evolved mixture, the mass, the smallest value and the KL
divergence to N(0, I). After every step both check that the spectrum is finite and the mass has not drifted.

Time the two as whole processes, side by side (quote medians of wall time, and the ratio):

    python3 Benchmarks/scripts/forward_baseline.py --workers 2
    .build/release/fplab forward --dimension 2 --points 1024 --steps 40

`--check FILE` compares the table with `fplab forward ... --format json > FILE` (agreement to 1e-9 relative in
the errors, 1e-12 in mass and KL: the two solvers round differently, the steps are the same).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectral_step_baseline import Backend, SpectralIFRK4  # noqa: E402

COMPONENTS = [(0.5, (-1.5, 0.0), 0.5), (0.5, (1.5, 1.0), 0.5)]  # weight, mean, standard deviation (isotropic)


def mixture_density(coordinates, time):
    """The exact OU-evolved mixture: N(e^-t mu, (e^-2t s^2 + 1 - e^-2t) I) per component."""
    x, y = coordinates
    scale, noise = math.exp(-time), 1 - math.exp(-2 * time)
    total = 0.0
    for weight, (mean_x, mean_y), deviation in COMPONENTS:
        variance = scale * scale * deviation * deviation + noise
        squared = (x - scale * mean_x) ** 2 + (y - scale * mean_y) ** 2
        total = total + weight * np.exp(-0.5 * squared / variance) / (2 * math.pi * variance)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="scipy.fft workers")
    parser.add_argument("--check", help="fplab forward's JSON output for the same run, to compare with")
    arguments = parser.parse_args()

    half_width, end_time, snapshots = 8.0, 1.0, 4
    shape = (arguments.points, arguments.points)
    solver = SpectralIFRK4(shape, half_width, Backend("scipy", workers=arguments.workers))
    x, y = solver.coordinates
    cell_area = (2 * half_width / arguments.points) ** 2
    stationary = np.exp(-0.5 * (x * x + y * y)) / (2 * math.pi)
    solver.load(mixture_density((x, y), 0.0))
    initial_mass = solver.state[0, 0].real * cell_area

    rows = []

    def measure(time):
        density = solver.density()
        exact = mixture_density((x, y), time)
        positive = density > 0
        kl = float(np.sum(density[positive] * np.log(np.maximum(density[positive], 1e-300)
                                                     / np.maximum(stationary * np.ones_like(density), 1e-300)[positive])))
        rows.append((time, float(np.abs(density - exact).sum() * cell_area), float(np.abs(density - exact).max()),
                     float(density.sum() * cell_area), float(density.min()), kl * cell_area))

    measure(0.0)
    time, step_width = 0.0, end_time / arguments.steps
    status = "completed"
    for snapshot in range(1, snapshots + 1):
        target = snapshot * end_time / snapshots
        count = math.ceil((target - time) / step_width - 1e-9)
        width = (target - time) / count
        for _ in range(count):
            solver.step(time, width)
            time += width
            if not np.isfinite(solver.state).all() or abs(solver.state[0, 0].real * cell_area - initial_mass) > 1e-8:
                status = "stopped"
                break
        time = target
        measure(time)
    print(f"forward (scipy.fft, workers={arguments.workers}): grid {shape[0]} x {shape[1]} on [-8, 8]^2, T = 1, "
          f"{arguments.steps} steps, status {status}")
    print(f"{'time':>5} {'L1 error':>10} {'L∞ error':>10} {'mass':>15} {'min density':>12} {'KL to stationary':>17}")
    for row in rows:
        print(f"{row[0]:5.3g} {row[1]:10.3e} {row[2]:10.3e} {row[3]:15.12g} {row[4]:12.3e} {row[5]:17.6g}")
    if arguments.check:
        with open(arguments.check) as handle:
            swift = json.load(handle)["snapshots"]
        worst = 0.0
        for row, other in zip(rows, swift):
            for value, key, tolerance in [(row[1], "l1_error", 1e-9), (row[2], "linf_error", 1e-9),
                                          (row[3], "mass", 1e-12), (row[5], "kl_to_stationary", 1e-12)]:
                difference = abs(value - other[key])
                worst = max(worst, difference)
                if difference > tolerance * max(1.0, abs(other[key])) and key in ("mass", "kl_to_stationary"):
                    sys.exit(f"check failed at t = {row[0]}: {key} {value} against fplab's {other[key]}")
                if key in ("l1_error", "linf_error") and difference > max(tolerance, 1e-3 * abs(other[key])):
                    sys.exit(f"check failed at t = {row[0]}: {key} {value} against fplab's {other[key]}")
        print(f"check: agrees with fplab's table (largest difference {worst:.2e})")


if __name__ == "__main__":
    main()

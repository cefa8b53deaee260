#!/usr/bin/env python3
"""The spectral IF-RK4 Fokker-Planck step in numpy and scipy.fft, timed beside the Swift solver.

The step is the one in Sources/DensitySolvers/SpectralFokkerPlanckSolver.swift (`integratingFactorRK4Step`,
`evaluateDrift`), reproduced operation by operation so that numpy's result agrees with Swift's to round-off:

* state: the unnormalized real-to-complex transform of the cell values (FFTW's sign, no scaling);
* diffusion factor E = exp(-|k|^2/2 * int g^2), formed as (leading-axes factor) * (last-axis factor) like Swift,
  with k = pi j / L and j the signed integer frequency;
* drift N(u) = -sum_a i k_a FFT(b_a rho), rho = IFFT(u) / N, b = f(t) x (OU: f = -1), the Nyquist mode of each
  derivative wavenumber set to zero;
* IF-RK4: k1 = N(u); acc = E1 (u + h/6 k1); stage = E1 (u + h/2 k1); u <- E1 u; k2 = N(stage); acc += h/3 k2;
  stage = u + h/2 k2; k3 = N(stage); acc += h/3 k3; stage = E2 (u + h k3); k4 = N(stage); u <- E2 acc + h/6 k4.

It then runs `fplab-kernels` (build it first:
`swift build -c release --package-path Benchmarks --product fplab-kernels`) with 1 and 2 FFTW threads, checks
the numpy step against the Swift solver's density after a few steps, and prints a table. Times are the best of
several runs (the machine is shared and noisy: compare ratios).

    python3 Benchmarks/scripts/spectral_step_baseline.py                 # 1024^2 and 2^16, estimate plans
    python3 Benchmarks/scripts/spectral_step_baseline.py --rigor measure --repetitions 10 --json results.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import scipy.fft

SCRIPT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS_DIRECTORY = os.path.dirname(SCRIPT_DIRECTORY)
DEFAULT_BINARY = os.path.join(BENCHMARKS_DIRECTORY, ".build", "release", "fplab-kernels")
HALF_WIDTH = 8.0
TIME_STEP = 0.001
OU_DRIFT_RATE = -1.0


class Backend:
    """Unnormalized r2c / c2r transforms from numpy.fft or scipy.fft (the c2r may destroy its input)."""

    def __init__(self, name: str, workers: int | None = None):
        self.name = name
        self.workers = workers
        if name == "numpy":
            self.forward = lambda real: np.fft.rfftn(real)
            self.backward = lambda spectrum, shape: np.fft.irfftn(spectrum, s=shape, axes=tuple(range(len(shape))), norm="forward")
        elif name == "scipy":
            self.forward = lambda real: scipy.fft.rfftn(real, workers=workers)
            self.backward = lambda spectrum, shape: scipy.fft.irfftn(
                spectrum, s=shape, axes=tuple(range(len(shape))), norm="forward", overwrite_x=True,
                workers=workers)
        else:
            raise ValueError(name)

    @property
    def label(self) -> str:
        return self.name if self.workers is None else f"{self.name} (workers={self.workers})"


class SpectralIFRK4:
    """The Swift `FourierState` for the OU process, on the periodic box [-L, L]^d."""

    def __init__(self, shape: tuple[int, ...], half_width: float, backend: Backend):
        self.shape = tuple(shape)
        self.backend = backend
        self.count = math.prod(shape)
        dimension = len(shape)
        unit = math.pi / half_width
        spacing = [2 * half_width / n for n in shape]

        def broadcast(values: np.ndarray, axis: int) -> np.ndarray:
            view = [1] * dimension
            view[axis] = values.size
            return values.reshape(view)

        self.coordinates = [broadcast(-half_width + (np.arange(n) + 0.5) * spacing[a], a) for a, n in enumerate(shape)]
        squared, derivative = [], []
        for axis, n in enumerate(shape):
            count = n // 2 + 1 if axis == dimension - 1 else n
            index = np.arange(count)
            frequency = np.where(index <= n // 2, index, index - n)
            wavenumber = unit * frequency.astype(np.float64)
            squared.append(wavenumber * wavenumber)
            derivative_wavenumber = wavenumber.copy()
            if n % 2 == 0:
                derivative_wavenumber[np.abs(frequency) == n // 2] = 0.0
            # -i k as a complex factor: (a + ib)(-ik) = kb - ika exactly, as in Swift's addDerivative.
            derivative.append(broadcast(-1j * derivative_wavenumber, axis))
        # Leading axes summed into one "outer" squared wavenumber, the last axis apart (Swift's split).
        outer = np.zeros([n for n in shape[:-1]] + [1]) if dimension > 1 else np.zeros(1)
        for axis in range(dimension - 1):
            outer = outer + broadcast(squared[axis], axis)
        self.outer_squared = outer
        self.last_squared = broadcast(squared[-1], dimension - 1)
        self.derivative_factors = derivative
        self.state: np.ndarray | None = None

    def load(self, density: np.ndarray) -> None:
        self.state = self.backend.forward(np.ascontiguousarray(density, dtype=np.float64))

    def density(self) -> np.ndarray:
        return self.backend.backward(self.state.copy(), self.shape) * (1.0 / self.count)

    def diffusion_factor(self, squared_diffusion_integral: float) -> np.ndarray:
        half = -0.5 * squared_diffusion_integral
        return np.exp(half * self.outer_squared) * np.exp(half * self.last_squared)

    def drift(self, spectrum: np.ndarray) -> np.ndarray:
        """N(u) = -sum_a i k_a FFT(f x_a rho); destroys `spectrum` (as Swift's evaluateDrift does)."""
        physical = self.backend.backward(spectrum, self.shape)      # unnormalized c2r
        scale = OU_DRIFT_RATE * (1.0 / self.count)
        result = None
        for axis, coordinate in enumerate(self.coordinates):
            flux = self.backend.forward((scale * coordinate) * physical)
            term = flux * self.derivative_factors[axis]
            if result is None:
                result = term
            else:
                result += term
        return result

    def step(self, start: float, step: float) -> None:
        half_time = start + step / 2
        end_time = start + step
        first_half = 2 * (half_time - start)         # OU: int g^2 = 2 (t1 - t0)
        second_half = 2 * (end_time - half_time)
        state = self.state
        derivative = self.drift(state.copy())                                    # k1
        first = self.diffusion_factor(first_half)
        accumulator = first * (state + (step / 6) * derivative)
        stage = first * (state + (step / 2) * derivative)
        state *= first                                                           # u <- E1 u
        derivative = self.drift(stage)                                           # k2
        accumulator += (step / 3) * derivative
        stage = state + (step / 2) * derivative
        derivative = self.drift(stage)                                           # k3
        accumulator += (step / 3) * derivative
        second = self.diffusion_factor(second_half)
        stage = second * (state + step * derivative)
        derivative = self.drift(stage)                                           # k4
        accumulator *= second
        accumulator += (step / 6) * derivative
        self.state = accumulator


def cpu_busy_fraction(interval: float = 0.5) -> float:
    """The share of all CPUs busy over `interval` seconds, from /proc/stat (Linux); 0 where unavailable."""
    def sample():
        with open("/proc/stat") as handle:
            values = [int(value) for value in handle.readline().split()[1:]]
        return sum(values), values[3] + values[4]          # total, idle + iowait
    try:
        total_before, idle_before = sample()
        time.sleep(interval)
        total_after, idle_after = sample()
    except OSError:
        return 0.0
    return 1.0 - (idle_after - idle_before) / max(total_after - total_before, 1)


def wait_until_quiet(limit: float, threshold: float = 0.08, needed: int = 3) -> None:
    """On a shared machine: waits (up to `limit` seconds) for `needed` consecutive half-seconds with the CPUs
    below `threshold` busy, so that a timing does not start in the middle of someone else's compile."""
    if limit <= 0:
        return
    start, quiet = time.time(), 0
    while time.time() - start < limit:
        quiet = quiet + 1 if cpu_busy_fraction() < threshold else 0
        if quiet >= needed:
            return
    print(f"(the CPUs were not quiet within {limit:.0f} s; timing anyway)", file=sys.stderr)


def best_time(function, repetitions: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return min(samples)


def mixture_density(shape: tuple[int, ...], half_width: float) -> np.ndarray:
    """The benchmark mixture (Sources/SolverKernels: BenchmarkDensity) at the cell centres; timing input only."""
    dimension = len(shape)
    means = {1: [[-1.5], [1.5]], 2: [[-1.5, 0.0], [1.5, 1.0]], 3: [[-1.5, 0, 0], [1.5, 1, 0]]}[dimension]
    deviation = 0.5
    axes = np.meshgrid(*[-half_width + (np.arange(n) + 0.5) * (2 * half_width / n) for n in shape], indexing="ij")
    density = np.zeros(shape)
    for mean in means:
        squared = sum((axis - m) ** 2 for axis, m in zip(axes, mean))
        density += 0.5 * np.exp(-0.5 * squared / deviation**2) / (2 * math.pi * deviation**2) ** (dimension / 2)
    return density


def run_swift(binary: str, shape: tuple[int, ...], threads: int, repetitions: int, rigor: str,
              quiet_wait: float = 0) -> dict:
    wait_until_quiet(quiet_wait)
    command = [binary, "--points", str(shape[0]), "--dimension", str(len(shape)), "--threads", str(threads),
               "--repetitions", str(repetitions), "--rigor", rigor,
               "--kernels", "fftw-pair,fftw-r2c,spectral-if-rk4"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def cross_check(binary: str, shape: tuple[int, ...], steps: int, scratch: str) -> dict:
    """Runs `steps` Swift IF-RK4 steps and the same from Swift's initial density in numpy; returns the errors."""
    prefix = os.path.join(scratch, f"fplab-check-{len(shape)}d-{shape[0]}-{os.getpid()}")
    subprocess.run([binary, "--points", str(shape[0]), "--dimension", str(len(shape)), "--kernels", "",
                    "--dump-steps", str(steps), "--dump-prefix", prefix], check=True, capture_output=True)
    try:
        initial = np.fromfile(prefix + ".initial.f64", dtype="<f8").reshape(shape)
        swift_final = np.fromfile(prefix + ".final.f64", dtype="<f8").reshape(shape)
    finally:
        for suffix in (".initial.f64", ".final.f64"):
            if os.path.exists(prefix + suffix):
                os.remove(prefix + suffix)
    solver = SpectralIFRK4(shape, HALF_WIDTH, Backend("numpy"))
    solver.load(initial)
    current = 0.0
    for _ in range(steps):
        solver.step(current, TIME_STEP)
        current += TIME_STEP
    numpy_final = solver.density()
    scale = np.max(np.abs(swift_final))
    return {
        "steps": steps,
        "maxAbsoluteDifference": float(np.max(np.abs(numpy_final - swift_final))),
        "maxRelativeToPeak": float(np.max(np.abs(numpy_final - swift_final)) / scale),
        "changeOverSteps": float(np.max(np.abs(swift_final - initial)) / scale),
    }


def python_times(shape: tuple[int, ...], repetitions: int, scipy_workers: int, quiet_wait: float = 0) -> dict:
    density = mixture_density(shape, HALF_WIDTH)
    results = {}
    for backend in (Backend("numpy"), Backend("scipy", workers=scipy_workers)):
        wait_until_quiet(quiet_wait)
        solver = SpectralIFRK4(shape, HALF_WIDTH, backend)
        solver.load(density)
        clock = {"t": 0.0}

        def one_step():
            solver.step(clock["t"], TIME_STEP)
            clock["t"] += TIME_STEP

        step = best_time(one_step, repetitions)
        pair = best_time(lambda: backend.backward(backend.forward(density), shape), repetitions)
        results[backend.name] = {"label": backend.label, "step": step, "pair": pair}
    return results


def format_ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{1e3 * seconds:9.2f}"


def format_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:6.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=DEFAULT_BINARY, help="fplab-kernels built in release")
    parser.add_argument("--repetitions", type=int, default=7, help="timed runs per kernel (best is kept)")
    parser.add_argument("--rigor", default="estimate", choices=["estimate", "measure", "patient"],
                        help="FFTW planning rigor for the Swift kernels (the solver's default is estimate)")
    parser.add_argument("--scipy-workers", type=int, default=2)
    parser.add_argument("--check-steps", type=int, default=5, help="steps for the numpy-vs-Swift check; 0 skips")
    parser.add_argument("--sizes", default="1024x2,65536x1", help="points x dimension, comma separated")
    parser.add_argument("--json", help="also write every number to this file")
    parser.add_argument("--quiet-wait", type=float, default=0,
                        help="on a shared machine, wait up to this many seconds for idle CPUs before each timing")
    arguments = parser.parse_args()

    if not os.access(arguments.binary, os.X_OK):
        print(f"{arguments.binary} not found: swift build -c release --package-path Benchmarks --product fplab-kernels",
              file=sys.stderr)
        return 1

    sizes = []
    for item in arguments.sizes.split(","):
        points, dimension = item.split("x")
        sizes.append(tuple([int(points)] * int(dimension)))

    record = {"rigor": arguments.rigor, "repetitions": arguments.repetitions, "numpy": np.__version__,
              "scipy": scipy.__version__, "cpus": os.cpu_count(), "sizes": {}}
    for shape in sizes:
        label = "x".join(str(n) for n in shape)
        print(f"[{label}] cross-check, Swift timings (1 and 2 threads), numpy and scipy timings ...", file=sys.stderr)
        entry = {}
        if arguments.check_steps > 0:
            entry["check"] = cross_check(arguments.binary, shape, arguments.check_steps, "/tmp")
        entry["swift"] = {threads: run_swift(arguments.binary, shape, threads, arguments.repetitions, arguments.rigor,
                                             arguments.quiet_wait)
                          for threads in (1, 2)}
        entry["python"] = python_times(shape, arguments.repetitions, arguments.scipy_workers, arguments.quiet_wait)
        record["sizes"][label] = entry

    header = (f"{'kernel':<22} {'size':<10} {'Swift 1t':>9} {'Swift 2t':>9} {'numpy':>9} {'scipy 2w':>9} "
              f"{'np/Sw1':>6} {'sp/Sw1':>6} {'sp/Sw2':>6}   (times in ms, best of {arguments.repetitions}; "
              f"FFTW plans: {arguments.rigor})")
    print(header)
    print("-" * len(header))
    for label, entry in record["sizes"].items():
        swift1 = entry["swift"][1]["kernels"]
        swift2 = entry["swift"][2]["kernels"]
        numpy_times = entry["python"]["numpy"]
        scipy_times = entry["python"]["scipy"]
        for kernel, swift_key, python_key in (("FFTW pair (r2c+c2r)", "fftw-pair", "pair"),
                                              ("IF-RK4 spectral step", "spectral-if-rk4", "step")):
            one = swift1[swift_key]["secondsPerCall"]
            two = swift2[swift_key]["secondsPerCall"]
            numpy_time = numpy_times[python_key]
            scipy_time = scipy_times[python_key]
            print(f"{kernel:<22} {label:<10} {format_ms(one)} {format_ms(two)} {format_ms(numpy_time)} "
                  f"{format_ms(scipy_time)} {format_ratio(numpy_time / one)} {format_ratio(scipy_time / one)} "
                  f"{format_ratio(scipy_time / two)}")
    print()
    print(f"{'size':<10} {'threads':>7} {'step/pair':>9} {'pair-eq':>7} {'step/pair-eq':>12} {'pointwise':>9}   "
          f"{'numpy step/pair':>15} {'scipy step/pair':>15}")
    for label, entry in record["sizes"].items():
        for threads in (1, 2):
            derived = entry["swift"][threads]["derived"]
            pointwise = derived.get("pointwiseFractionOfStep")
            print(f"{label:<10} {threads:>7} {format_ratio(derived['spectralStepPerPair']):>9} "
                  f"{derived['pairEquivalentsPerStep']:>7.0f} {format_ratio(derived['spectralStepPerPairEquivalent']):>12} "
                  f"{'-' if pointwise is None else f'{100 * pointwise:8.1f}%'}   "
                  f"{format_ratio(entry['python']['numpy']['step'] / entry['python']['numpy']['pair']):>15} "
                  f"{format_ratio(entry['python']['scipy']['step'] / entry['python']['scipy']['pair']):>15}")
    print("(step/pair-eq: the step divided by its transform count in r2c+c2r pairs; pointwise: the share of the "
          "step left after subtracting its 4 c2r and 4d r2c, timed separately)")
    checks = [(label, entry["check"]) for label, entry in record["sizes"].items() if "check" in entry]
    if checks:
        print()
        for label, check in checks:
            print(f"numpy vs Swift after {check['steps']} steps at {label}: max |difference| / max density = "
                  f"{check['maxRelativeToPeak']:.2e} (the steps changed the density by {check['changeOverSteps']:.2e})")
    if arguments.json:
        with open(arguments.json, "w") as handle:
            json.dump(record, handle, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())

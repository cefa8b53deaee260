#!/usr/bin/env python3
"""The finite-data score in high dimension against the bare dgemm rate of the same OpenBLAS.

For d >= 32, `FiniteDatasetScore` computes each block of 32 points' logits against all N training points by one
dgemm (32 x N from 32 x d and N x d), turns them into softmax weights (`vector_math_softmax_row`: N exponentials a
point) and takes the weighted sums by a second dgemm. This script times, for each (N, d), one call of 256 points
both ways on one thread: `fplab-kernels --kernels finite-data-score` (the whole posterior mean) and
`dgemm_rate.c` (the two products alone, same shapes, same library), and prints the score's share of the dgemm
rate (goal: at least 70 %). Usage, from the repository root:

    swift build -c release --package-path Benchmarks --product fplab-kernels
    python3 Benchmarks/scripts/score_dgemm_rate.py [--sizes 10000x32,10000x64,10000x256,10000x1024] [--repetitions 5]
"""
import argparse
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", default="Benchmarks/.build/release/fplab-kernels")
    parser.add_argument("--sizes", default="10000x32,10000x64,10000x256,10000x1024")
    parser.add_argument("--repetitions", type=int, default=5)
    arguments = parser.parse_args()
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "openblas"], check=True, capture_output=True,
                           text=True).stdout.split()
    with tempfile.TemporaryDirectory() as folder:
        program = os.path.join(folder, "dgemm_rate")
        subprocess.run(["cc", "-O2", "-o", program, os.path.join(HERE, "dgemm_rate.c")] + flags, check=True)
        print(f"{'N':>7} {'d':>5} {'dgemm Gflop/s':>14} {'score Gflop/s':>14} {'score / dgemm':>14}")
        for size in arguments.sizes.split(","):
            count, dimension = (int(part) for part in size.split("x"))
            bare = json.loads(subprocess.run([program, str(count), str(dimension), str(arguments.repetitions)],
                                             check=True, capture_output=True, text=True).stdout)
            report = json.loads(subprocess.run(
                [arguments.kernels, "--kernels", "finite-data-score", "--points", str(count), "--dimension",
                 str(dimension), "--repetitions", str(arguments.repetitions), "--threads", "1"],
                check=True, capture_output=True, text=True).stdout)
            score = report["derived"]["finiteDataScoreGigaflops"]
            print(f"{count:7d} {dimension:5d} {bare['gigaflops']:14.2f} {score:14.2f} {score / bare['gigaflops']:14.2f}")


if __name__ == "__main__":
    main()

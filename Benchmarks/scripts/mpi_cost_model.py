#!/usr/bin/env python3
"""Cost model of fplab's three distributed runs, calibrated on 1- and 2-rank runs of one 2-core node, predicting
R ranks of a cluster. Prints the calibration, the assumptions and a table of predicted time and efficiency.

Calibration (whole processes, median of 3, 2-core AMD EPYC, Open MPI 4.1 shared memory; README "Beyond one machine"):
  empirical  n = 10^5, d = 256, M = 256, K = 20: 1 rank 14.1 s, 2 ranks 7.73 s, of it 0.27 s in the reductions;
  forward    256^3 on [-6, 6]^3, 10 IF-RK4 steps: steps 60.6 s on 1 rank (the serial solver), 26.8 s on 2 (whole
             processes 63.5 s and 29.6 s); at 128^3 (20 steps) 4.16 s and 2.33 s: the step is memory-bound from 256^3
             on, 3.2 times the N log N scaling of 128^3, so 256^3 calibrates the larger grids;
  verify     --quick: 1 rank 28.1 s, 2 ranks 15.0 s, the longest claim (time-embedding) about 9 s on one thread.

Models, per step of each run on R ranks:
  empirical  t = F / (R r) + 2 (a log2 R) + 2 ((R - 1) / R) b / B,  F = 4 n d M flops, r the flop rate of a core
             (dgemm), b = 32 M (d + 1) + 8 M bytes (the limbs and the largest logits: ring all-reduce moves about
             twice the message), a the latency and B the link bandwidth;
  forward    t = S / R + 32 ((R - 1) / R) (N 16 / (2 R)) / B + 32 (R - 1) a,  S the serial step time (N log2 N
             scaling from the calibration), 16 transforms a step, two transposes each (FFTW-MPI, output not
             transposed), each rank sending its (R - 1)/R share of its half-spectrum slab (N/2 complex, 16 bytes);
  verify     t = max(T / R, t_max): the claims are indivisible, the longest bounds it.
Assumptions for the cluster: a = 2 us, B = 12.5 GB/s (100 Gb/s InfiniBand), one rank per core at the calibrated
per-core rates, perfect balance of the data (whole blocks) and of the planes (n0 divisible by R), no congestion.
"""
import math

LATENCY = 2e-6
BANDWIDTH = 12.5e9
FLOP_RATE = 4 * 1e5 * 256 * 256 * 21 / (14.1 - 0.2)  # flops a second on one core, from the 1-rank run


def empirical(n, d, trajectories, ranks):
    compute = 4 * n * d * trajectories / (ranks * FLOP_RATE)
    message = 32 * trajectories * (d + 1) + 8 * trajectories
    communicate = 0.0 if ranks == 1 else 2 * LATENCY * math.log2(ranks) + 2 * (ranks - 1) / ranks * message / BANDWIDTH
    return compute, communicate


SERIAL_STEP_256 = 60.6 / 10  # seconds a step at 256^3 on one core (the serial solver)


def forward(points, ranks):
    cells = points**3
    serial = SERIAL_STEP_256 * cells * math.log2(cells) / (256**3 * math.log2(256**3))
    per_transpose = (ranks - 1) / ranks * (cells / 2 * 16 / ranks) / BANDWIDTH + (ranks - 1) * LATENCY
    return serial / ranks, 0.0 if ranks == 1 else 32 * per_transpose


def verify(total, longest, ranks):
    return max(total / ranks, longest)


def main():
    print(__doc__)
    print(f"calibrated core rate r = {FLOP_RATE / 1e9:.1f} GFlop/s (dgemm, one core)")
    print("\n| run | size | R | compute s | communication s | time s | efficiency |")
    print("|---|---|---|---|---|---|---|")
    for label, n, d, m in [("empirical", 10**5, 256, 256), ("empirical", 5 * 10**4, 3072, 1000)]:
        single = sum(empirical(n, d, m, 1))
        for ranks in (1, 2, 64):
            compute, communicate = empirical(n, d, m, ranks)
            total = compute + communicate
            print(f"| {label} (a step) | n = {n}, d = {d}, M = {m} | {ranks} | {compute:.4g} | {communicate:.3g} | "
                  f"{total:.4g} | {single / (ranks * total):.2f} |")
    for points in (256, 1024):
        single = sum(forward(points, 1))
        for ranks in (1, 2, 64):
            compute, communicate = forward(points, ranks)
            total = compute + communicate
            memory = 56 * points**3 / ranks / 1e9
            print(f"| forward (a step) | {points}^3, {memory:.3g} GB a rank | {ranks} | {compute:.4g} | "
                  f"{communicate:.3g} | {total:.4g} | {single / (ranks * total):.2f} |")
    for ranks in (1, 2, 64):
        time = verify(28.1, 9.0, ranks)
        print(f"| verify --quick | 33 claims | {ranks} | {time:.3g} | 0 | {time:.3g} | {28.1 / (ranks * time):.2f} |")


if __name__ == "__main__":
    main()

// The bare dgemm rate of the OpenBLAS fplab links, for the shapes of the finite-data score's d >= 32 path: per
// block of 32 points, G = P D^T (32 x N from 32 x d and N x d) and S = W D (32 x d from 32 x N and N x d), row-major,
// as `FiniteDatasetScore.posteriorMeanByMatrixProducts` calls them; eight blocks (256 points) a call, OpenBLAS on one
// thread. Prints one JSON object: the best of R calls in seconds and its Gflop/s (4 * 256 * N * d flops a call).
//
//   cc -O2 -o dgemm_rate dgemm_rate.c $(pkg-config --cflags --libs openblas) && ./dgemm_rate N d R
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void) {
    struct timespec clock;
    clock_gettime(CLOCK_MONOTONIC, &clock);
    return clock.tv_sec + 1e-9 * clock.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: dgemm_rate N d R\n");
        return 2;
    }
    long count = atol(argv[1]), dimension = atol(argv[2]), repetitions = atol(argv[3]);
    const long block = 32, blocks = 8;
    openblas_set_num_threads(1);
    double *data = malloc(sizeof(double) * count * dimension);
    double *points = malloc(sizeof(double) * block * blocks * dimension);
    double *weights = malloc(sizeof(double) * block * count);
    double *means = malloc(sizeof(double) * block * blocks * dimension);
    for (long index = 0; index < count * dimension; index++) data[index] = (double)(index % 97) / 97 - 0.5;
    for (long index = 0; index < block * blocks * dimension; index++) points[index] = (double)(index % 89) / 89;
    for (long index = 0; index < block * count; index++) weights[index] = 1e-3;
    double best = 1e300;
    for (long repetition = 0; repetition < repetitions + 1; repetition++) {
        double start = now();
        for (long first = 0; first < blocks; first++) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, block, count, dimension, 1,
                        points + first * block * dimension, dimension, data, dimension, 0, weights, count);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, block, dimension, count, 1, weights, count, data,
                        dimension, 0, means + first * block * dimension, dimension);
        }
        double elapsed = now() - start;
        if (repetition > 0 && elapsed < best) best = elapsed;  // the first call warms up
    }
    double flops = 4.0 * block * blocks * count * dimension;
    printf("{\"trainingPoints\": %ld, \"dimension\": %ld, \"secondsPerCall\": %.9g, \"gigaflops\": %.6g, "
           "\"check\": %.17g}\n", count, dimension, best, flops / best / 1e9, means[0]);
    return 0;
}

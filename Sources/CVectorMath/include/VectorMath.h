#ifndef FOKKER_PLANCK_LAB_VECTOR_MATH_H
#define FOKKER_PLANCK_LAB_VECTOR_MATH_H
// Vector kernels of the finite-data score (THEORY §7) and the score networks' activation, written once and compiled twice: for the baseline x86-64
// vector unit (SSE2) and, with per-function target attributes, for AVX2 and AVX-512F. The choice is made at run time from
// the CPU's feature bits (__builtin_cpu_supports). Both versions perform the same IEEE-754 double operations in
// the same order (no fused multiply-add on either, no reassociation), so they return the same bits: the same
// seed gives the same numbers on any x86-64 machine.

#include <stdbool.h>

// Which implementation the dispatched entry points use.
typedef enum {
    VectorMathPortable = 0,  // baseline x86-64: two doubles a register
    VectorMathAVX2 = 1,      // four doubles a register
    VectorMathAVX512 = 2,    // eight doubles a register
} VectorMathPath;

// Whether this CPU can run `path` (the `_path` functions fall back to the portable path where it cannot).
bool vector_math_path_available(VectorMathPath path);

// The path the dispatched functions take on this CPU: AVX-512F where present, else AVX2, else portable (always
// portable after `vector_math_force_portable(true)`).
VectorMathPath vector_math_selected_path(void);
// Makes the dispatched functions take the portable path from now on (for tests and benchmarks); `false` restores
// the choice from the CPU's feature bits.
void vector_math_force_portable(bool force);

// out[i] = e^(in[i]) for in[i] <= 0, count values (see the implementation for the method and its error bound);
// values below -708 give 0. `path` picks the implementation explicitly; `vector_math_exponential` dispatches.
void vector_math_exponential_path(VectorMathPath path, const double *in, double *out, long count);
void vector_math_exponential(const double *in, double *out, long count);

// For one point of a planar (d <= 2) dataset: with l_i = first * xs[i] + second * ys[i] - quadratic * norms[i]
// and L = max_i l_i, returns sum_i e^(l_i - L) and stores sum_i e^(l_i - L) xs[i] and ... ys[i] into sums[0..1].
// Two passes over the data (the largest logit, then the weighted sums), eight training points a step.
double vector_math_softmax_planar_path(
    VectorMathPath path, const double *xs, const double *ys, const double *norms, long count, double first,
    double second, double quadratic, double *sums);
double vector_math_softmax_planar(
    const double *xs, const double *ys, const double *norms, long count, double first, double second,
    double quadratic, double *sums);

// For one point against count training points, given products[i] = <x, x_i> and norms[i] = |x_i|^2 / 2: with
// l_i = inner * products[i] - quadratic * norms[i] and L = max_i l_i, replaces products[i] by e^(l_i - L) (the
// unnormalized softmax weights) and returns their sum. Two passes over the row.
double vector_math_softmax_row_path(
    VectorMathPath path, double *row, const double *norms, long count, double inner, double quadratic);
double vector_math_softmax_row(double *row, const double *norms, long count, double inner, double quadratic);

// The score networks' hidden layers: for a rows x columns row-major block of preactivations without their biases,
// values[r * columns + c] <- SiLU(a) with a = values[r * columns + c] + biases[c], SiLU(a) = a / (1 + e^(-a)), and,
// unless derivatives is NULL, derivatives[r * columns + c] <- SiLU'(a) = sigma(a) + SiLU(a) (1 - sigma(a)).
// One pass, eight doubles (sixteen floats) a step; the float version runs the float exponential below.
void vector_math_bias_silu_path(
    VectorMathPath path, double *values, double *derivatives, const double *biases, long rows, long columns);
void vector_math_bias_silu(double *values, double *derivatives, const double *biases, long rows, long columns);
void vector_math_bias_silu_float_path(
    VectorMathPath path, float *values, float *derivatives, const float *biases, long rows, long columns);
void vector_math_bias_silu_float(float *values, float *derivatives, const float *biases, long rows, long columns);

// out[i] = e^(in[i]) in single precision for in[i] <= 0 (within 1.4 ulp; values below -87 give 0).
void vector_math_exponential_float_path(VectorMathPath path, const float *in, float *out, long count);
void vector_math_exponential_float(const float *in, float *out, long count);

#endif

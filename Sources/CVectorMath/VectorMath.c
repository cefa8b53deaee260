// Vector kernels of the finite-data score and the score networks' SiLU layers; see include/VectorMath.h for the contract.
//
// Every kernel body is a static always-inline function written with eight-lane vector types (clang's vector
// extensions) and instantiated twice: `..._portable` for the baseline x86-64 target (SSE2, two lanes a register)
// and `..._avx2` / `..._avx512` with __attribute__((target("avx2"))) / ((target("avx512f"))) (four / eight lanes
// a register). Contraction into fused
// multiply-adds is switched off for the whole file and neither target has FMA, so the two instantiations execute
// the same IEEE-754 operations on every lane in the same order and return the same bits. Measured on the Zen 4
// cores here (ns a training point in the d = 2 softmax, one thread): portable 5.0, AVX2 2.7, AVX-512 1.7, and
// AVX2 with FMA contraction 1.8: fusing would buy little over AVX-512 and would cost the bit identity.

#include "VectorMath.h"

#include <math.h>
#include <string.h>

#pragma clang fp contract(off)
#pragma clang diagnostic ignored "-Wpsabi"

typedef double Lanes __attribute__((vector_size(64)));
typedef long long LaneBits __attribute__((vector_size(64)));

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx512f")))

ALWAYS_INLINE Lanes splat(double value) { return (Lanes){value, value, value, value, value, value, value, value}; }

ALWAYS_INLINE Lanes load(const double *source) {
    Lanes value;
    memcpy(&value, source, sizeof value);
    return value;
}

ALWAYS_INLINE void store(double *target, Lanes value) { memcpy(target, &value, sizeof value); }

ALWAYS_INLINE Lanes select_lanes(LaneBits mask, Lanes chosen, Lanes otherwise) {
    return (Lanes)(((LaneBits)chosen & mask) | ((LaneBits)otherwise & ~mask));
}

ALWAYS_INLINE Lanes lane_max(Lanes a, Lanes b) { return select_lanes(b > a, b, a); }

// Sum of the eight lanes in a fixed order: ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
ALWAYS_INLINE double lane_sum(Lanes v) { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }

ALWAYS_INLINE double lane_largest(Lanes v) {
    double largest = v[0];
    for (int lane = 1; lane < 8; lane++) largest = v[lane] > largest ? v[lane] : largest;
    return largest;
}

// e^x for x <= 0, eight lanes. x = k ln 2 + r with k = round(x / ln 2) (adding and subtracting 1.5 * 2^52 rounds
// to the nearest integer), ln 2 split as 0.6931471803691238 + 1.9082149292705877e-10 (the first part has 32
// significant bits, so k times it is exact for |k| <= 1022 and r = x - k ln 2 carries only the rounding of the
// second product and the two subtractions, about 2^-53 |k ln2_low| + 2 ulp(r)); |r| <= ln(2)/2 + tiny. e^r by its
// Taylor polynomial of degree 13 in Horner form: the truncation term r^14 / 14! <= 0.3466^14 / 8.7e10 < 4.3e-18,
// below 0.04 ulp of e^r >= 0.707; the Horner steps add at most about 1.1 ulp (the last step's rounding, the
// earlier ones damped by |r| < 0.35 on the way up: 0.5 (1 + 0.35 + ...) + the products' roundings). 2^k is built
// from its exponent bits and multiplied in exactly. Total within 1.4 ulp of e^x; the tests allow 3 ulp against
// libm (itself within 1 ulp) on 10^6 points, and 1 ulp is the largest error seen. Lanes below -708 give 0 (2^k
// would leave the normal range; such weights are below 1e-307 of the largest).
ALWAYS_INLINE Lanes exponential(Lanes value) {
    LaneBits underflow = value < splat(-708);
    Lanes clamped = select_lanes(underflow, splat(-708), value);
    Lanes magic = splat(6755399441055744.0);  // 1.5 * 2^52
    Lanes shifted = clamped * 1.4426950408889634 + magic;
    Lanes multiple = shifted - magic;
    Lanes reduced = clamped - multiple * 0.6931471803691238 - multiple * 1.9082149292705877e-10;
    Lanes polynomial = splat(1.0 / 6227020800.0);  // 1/13!
    polynomial = polynomial * reduced + 1.0 / 479001600.0;
    polynomial = polynomial * reduced + 1.0 / 39916800.0;
    polynomial = polynomial * reduced + 1.0 / 3628800.0;
    polynomial = polynomial * reduced + 1.0 / 362880.0;
    polynomial = polynomial * reduced + 1.0 / 40320.0;
    polynomial = polynomial * reduced + 1.0 / 5040.0;
    polynomial = polynomial * reduced + 1.0 / 720.0;
    polynomial = polynomial * reduced + 1.0 / 120.0;
    polynomial = polynomial * reduced + 1.0 / 24.0;
    polynomial = polynomial * reduced + 1.0 / 6.0;
    polynomial = polynomial * reduced + 0.5;
    polynomial = polynomial * reduced + 1.0;
    polynomial = polynomial * reduced + 1.0;
    LaneBits exponent = (((LaneBits)shifted - (LaneBits)magic) + 1023) << 52;
    Lanes result = polynomial * (Lanes)exponent;
    return select_lanes(underflow, splat(0), result);
}

// Lanes at or past `valid` (0..8) of a partial last vector: -inf logits, so their weights are 0.
ALWAYS_INLINE LaneBits lanes_past(long valid) {
    LaneBits index = {0, 1, 2, 3, 4, 5, 6, 7};
    return index >= (LaneBits){valid, valid, valid, valid, valid, valid, valid, valid};
}

// Loads `count - start` (< 8) values padded with zeros.
ALWAYS_INLINE Lanes load_partial(const double *source, long valid) {
    double padded[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(padded, source, (size_t)valid * sizeof(double));
    return load(padded);
}

ALWAYS_INLINE void exponential_body(const double *in, double *out, long count) {
    long index = 0;
    for (; index + 8 <= count; index += 8) store(out + index, exponential(load(in + index)));
    if (index < count) {
        double padded[8];
        store(padded, exponential(load_partial(in + index, count - index)));
        memcpy(out + index, padded, (size_t)(count - index) * sizeof(double));
    }
}

ALWAYS_INLINE Lanes planar_logits(Lanes x, Lanes y, Lanes norm, double first, double second, double quadratic) {
    return x * first + y * second - norm * quadratic;
}

ALWAYS_INLINE double softmax_planar_body(
    const double *xs, const double *ys, const double *norms, long count, double first, double second,
    double quadratic, double *sums) {
    long vectorEnd = count / 8 * 8;
    long rest = count - vectorEnd;
    Lanes largestLanes = splat(-INFINITY);
    for (long index = 0; index < vectorEnd; index += 8) {
        Lanes value = planar_logits(load(xs + index), load(ys + index), load(norms + index), first, second, quadratic);
        largestLanes = lane_max(largestLanes, value);
    }
    Lanes restX = splat(0), restY = splat(0), restLogits = splat(-INFINITY);
    if (rest > 0) {
        restX = load_partial(xs + vectorEnd, rest);
        restY = load_partial(ys + vectorEnd, rest);
        Lanes value = planar_logits(restX, restY, load_partial(norms + vectorEnd, rest), first, second, quadratic);
        restLogits = select_lanes(lanes_past(rest), splat(-INFINITY), value);
        largestLanes = lane_max(largestLanes, restLogits);
    }
    double largest = lane_largest(largestLanes);
    Lanes total = splat(0), sumX = splat(0), sumY = splat(0);
    for (long index = 0; index < vectorEnd; index += 8) {
        Lanes x = load(xs + index), y = load(ys + index);
        Lanes weight = exponential(planar_logits(x, y, load(norms + index), first, second, quadratic) - largest);
        total += weight;
        sumX += weight * x;
        sumY += weight * y;
    }
    if (rest > 0) {
        Lanes weight = exponential(restLogits - largest);
        total += weight;
        sumX += weight * restX;
        sumY += weight * restY;
    }
    sums[0] = lane_sum(sumX);
    sums[1] = lane_sum(sumY);
    return lane_sum(total);
}

// Logits l_i = products[i] * inner - norms[i] * quadratic, then e^(l_i - max l) in place; returns their sum.
// Two passes: the logits and their largest (stored), then the exponentials.
ALWAYS_INLINE double softmax_row_body(double *row, const double *norms, long count, double inner, double quadratic) {
    long vectorEnd = count / 8 * 8;
    long rest = count - vectorEnd;
    Lanes largestLanes = splat(-INFINITY);
    for (long index = 0; index < vectorEnd; index += 8) {
        Lanes value = load(row + index) * inner - load(norms + index) * quadratic;
        store(row + index, value);
        largestLanes = lane_max(largestLanes, value);
    }
    Lanes restLogits = splat(-INFINITY);
    if (rest > 0) {
        Lanes value = load_partial(row + vectorEnd, rest) * inner - load_partial(norms + vectorEnd, rest) * quadratic;
        restLogits = select_lanes(lanes_past(rest), splat(-INFINITY), value);
        largestLanes = lane_max(largestLanes, restLogits);
    }
    double largest = lane_largest(largestLanes);
    Lanes total = splat(0);
    for (long index = 0; index < vectorEnd; index += 8) {
        Lanes weight = exponential(load(row + index) - largest);
        total += weight;
        store(row + index, weight);
    }
    if (rest > 0) {
        Lanes weight = exponential(restLogits - largest);
        total += weight;
        double padded[8];
        store(padded, weight);
        memcpy(row + vectorEnd, padded, (size_t)rest * sizeof(double));
    }
    return lane_sum(total);
}

static void exponential_portable(const double *in, double *out, long count) { exponential_body(in, out, count); }
AVX2 static void exponential_avx2(const double *in, double *out, long count) { exponential_body(in, out, count); }
AVX512 static void exponential_avx512(const double *in, double *out, long count) { exponential_body(in, out, count); }

static double softmax_planar_portable(
    const double *xs, const double *ys, const double *norms, long count, double first, double second,
    double quadratic, double *sums) {
    return softmax_planar_body(xs, ys, norms, count, first, second, quadratic, sums);
}
AVX2 static double softmax_planar_avx2(
    const double *xs, const double *ys, const double *norms, long count, double first, double second,
    double quadratic, double *sums) {
    return softmax_planar_body(xs, ys, norms, count, first, second, quadratic, sums);
}
AVX512 static double softmax_planar_avx512(
    const double *xs, const double *ys, const double *norms, long count, double first, double second,
    double quadratic, double *sums) {
    return softmax_planar_body(xs, ys, norms, count, first, second, quadratic, sums);
}

static double softmax_row_portable(double *row, const double *norms, long count, double inner, double quadratic) {
    return softmax_row_body(row, norms, count, inner, quadratic);
}
AVX2 static double softmax_row_avx2(double *row, const double *norms, long count, double inner, double quadratic) {
    return softmax_row_body(row, norms, count, inner, quadratic);
}
AVX512 static double softmax_row_avx512(double *row, const double *norms, long count, double inner, double quadratic) {
    return softmax_row_body(row, norms, count, inner, quadratic);
}

static bool forcePortable = false;

// The path the CPU supports, or the portable one when it lacks `path`'s features.
static VectorMathPath supported(VectorMathPath path) {
    if (path == VectorMathAVX512 && __builtin_cpu_supports("avx512f")) return VectorMathAVX512;
    if (path == VectorMathAVX2 && __builtin_cpu_supports("avx2")) return VectorMathAVX2;
    return VectorMathPortable;
}

VectorMathPath vector_math_selected_path(void) {
    if (__atomic_load_n(&forcePortable, __ATOMIC_RELAXED)) return VectorMathPortable;
    if (__builtin_cpu_supports("avx512f")) return VectorMathAVX512;
    if (__builtin_cpu_supports("avx2")) return VectorMathAVX2;
    return VectorMathPortable;
}

void vector_math_force_portable(bool force) { __atomic_store_n(&forcePortable, force, __ATOMIC_RELAXED); }

bool vector_math_path_available(VectorMathPath path) { return supported(path) == path; }

void vector_math_exponential_path(VectorMathPath path, const double *in, double *out, long count) {
    switch (supported(path)) {
    case VectorMathAVX512: exponential_avx512(in, out, count); break;
    case VectorMathAVX2: exponential_avx2(in, out, count); break;
    default: exponential_portable(in, out, count);
    }
}

void vector_math_exponential(const double *in, double *out, long count) {
    vector_math_exponential_path(vector_math_selected_path(), in, out, count);
}

double vector_math_softmax_planar_path(
    VectorMathPath path, const double *xs, const double *ys, const double *norms, long count, double first,
    double second, double quadratic, double *sums) {
    switch (supported(path)) {
    case VectorMathAVX512: return softmax_planar_avx512(xs, ys, norms, count, first, second, quadratic, sums);
    case VectorMathAVX2: return softmax_planar_avx2(xs, ys, norms, count, first, second, quadratic, sums);
    default: return softmax_planar_portable(xs, ys, norms, count, first, second, quadratic, sums);
    }
}

double vector_math_softmax_planar(
    const double *xs, const double *ys, const double *norms, long count, double first, double second,
    double quadratic, double *sums) {
    return vector_math_softmax_planar_path(
        vector_math_selected_path(), xs, ys, norms, count, first, second, quadratic, sums);
}

double vector_math_softmax_row_path(
    VectorMathPath path, double *row, const double *norms, long count, double inner, double quadratic) {
    switch (supported(path)) {
    case VectorMathAVX512: return softmax_row_avx512(row, norms, count, inner, quadratic);
    case VectorMathAVX2: return softmax_row_avx2(row, norms, count, inner, quadratic);
    default: return softmax_row_portable(row, norms, count, inner, quadratic);
    }
}

double vector_math_softmax_row(double *row, const double *norms, long count, double inner, double quadratic) {
    return vector_math_softmax_row_path(vector_math_selected_path(), row, norms, count, inner, quadratic);
}

// ---------------------------------------------------------------------------------------------------------------
// The score networks' hidden activation, SiLU(a) = a σ(a), and its derivative σ(a) + SiLU(a) (1 − σ(a)).

// σ from e = e^(−|a|) <= 1 (no overflow): σ = 1/(1 + e) for a >= 0 and e/(1 + e) otherwise. The operations and
// their order are those of `NetworkPass.activate` in Swift (which this kernel replaces): the same bits.
ALWAYS_INLINE void silu(Lanes preactivation, Lanes *value, Lanes *slope) {
    Lanes negativeMagnitude = select_lanes(preactivation > splat(0), -preactivation, preactivation);
    Lanes exponent = exponential(negativeMagnitude);
    Lanes reciprocal = splat(1) / (splat(1) + exponent);
    Lanes sigmoid = select_lanes(preactivation >= splat(0), reciprocal, exponent * reciprocal);
    *value = preactivation * sigmoid;
    *slope = sigmoid + *value * (splat(1) - sigmoid);
}

// The bias-and-SiLU pass over a rows x columns block, written once for both precisions: `Scalar` the element
// type, `LANES` the lanes of `Vector`, and `prefix` the names of its helpers (load, store, load_partial, silu).
#define BIAS_SILU_BODY(name, Scalar, Vector, LANES, prefix)                                                       \
    ALWAYS_INLINE void name(Scalar *values, Scalar *derivatives, const Scalar *biases, long rows, long columns) { \
        long vectorEnd = columns / LANES * LANES;                                                                 \
        long rest = columns - vectorEnd;                                                                          \
        for (long row = 0; row < rows; row++) {                                                                   \
            Scalar *rowValues = values + row * columns;                                                           \
            Scalar *rowDerivatives = derivatives ? derivatives + row * columns : NULL;                            \
            Vector value, slope;                                                                                  \
            for (long column = 0; column < vectorEnd; column += LANES) {                                          \
                prefix##silu(prefix##load(rowValues + column) + prefix##load(biases + column), &value, &slope);   \
                prefix##store(rowValues + column, value);                                                         \
                if (rowDerivatives) prefix##store(rowDerivatives + column, slope);                                \
            }                                                                                                     \
            if (rest > 0) {                                                                                       \
                Vector preactivation = prefix##load_partial(rowValues + vectorEnd, rest)                          \
                                       + prefix##load_partial(biases + vectorEnd, rest);                          \
                prefix##silu(preactivation, &value, &slope);                                                      \
                Scalar padded[LANES];                                                                             \
                prefix##store(padded, value);                                                                     \
                memcpy(rowValues + vectorEnd, padded, (size_t)rest * sizeof(Scalar));                             \
                if (rowDerivatives) {                                                                             \
                    prefix##store(padded, slope);                                                                 \
                    memcpy(rowDerivatives + vectorEnd, padded, (size_t)rest * sizeof(Scalar));                    \
                }                                                                                                 \
            }                                                                                                     \
        }                                                                                                         \
    }

BIAS_SILU_BODY(bias_silu_body, double, Lanes, 8, )

// Single precision: sixteen floats a 64-byte vector.
typedef float FloatLanes __attribute__((vector_size(64)));
typedef int FloatLaneBits __attribute__((vector_size(64)));

ALWAYS_INLINE FloatLanes float_splat(float value) {
    return (FloatLanes){value, value, value, value, value, value, value, value,
                        value, value, value, value, value, value, value, value};
}

ALWAYS_INLINE FloatLanes float_load(const float *source) {
    FloatLanes value;
    memcpy(&value, source, sizeof value);
    return value;
}

ALWAYS_INLINE void float_store(float *target, FloatLanes value) { memcpy(target, &value, sizeof value); }

ALWAYS_INLINE FloatLanes float_load_partial(const float *source, long valid) {
    float padded[16] = {0};
    memcpy(padded, source, (size_t)valid * sizeof(float));
    return float_load(padded);
}

ALWAYS_INLINE FloatLanes float_select(FloatLaneBits mask, FloatLanes chosen, FloatLanes otherwise) {
    return (FloatLanes)(((FloatLaneBits)chosen & mask) | ((FloatLaneBits)otherwise & ~mask));
}

// e^x for x <= 0 in single precision, sixteen lanes; the double version's method with float constants.
// k = round(x / ln 2) by adding and subtracting 1.5 * 2^23; ln 2 = 0.693359375 − 2.12194440e-4 (Cephes' split:
// the first part has 9 significant bits, so k times it is exact for |k| <= 126, and the split's representation
// error, below 1e-11, times |k| <= 126 is below 2e-9 relative, 0.03 ulp); |r| <= ln(2)/2 + tiny. e^r by its
// Taylor polynomial of degree 7 in Horner form: the truncation term r^8 / 8! <= 0.3466^8 / 40320 < 5.1e-9, below
// 0.15 ulp (2^-24 = 6.0e-8) of e^r >= 0.707; the Horner steps add about 1.1 ulp as in double. Total within 1.4 ulp
// of e^x; the tests allow 3 ulp against the double exponential rounded to float. Lanes below −87 give 0 (2^k with
// k = −126 is the smallest normal power; e^−87 = 1.6e-38 is at the bottom of the normal range).
ALWAYS_INLINE FloatLanes float_exponential(FloatLanes value) {
    FloatLaneBits underflow = value < float_splat(-87.0f);
    FloatLanes clamped = float_select(underflow, float_splat(-87.0f), value);
    FloatLanes magic = float_splat(12582912.0f);  // 1.5 * 2^23
    FloatLanes shifted = clamped * 1.44269504088896341f + magic;
    FloatLanes multiple = shifted - magic;
    FloatLanes reduced = clamped - multiple * 0.693359375f - multiple * -2.12194440e-4f;
    FloatLanes polynomial = float_splat(1.0f / 5040.0f);
    polynomial = polynomial * reduced + 1.0f / 720.0f;
    polynomial = polynomial * reduced + 1.0f / 120.0f;
    polynomial = polynomial * reduced + 1.0f / 24.0f;
    polynomial = polynomial * reduced + 1.0f / 6.0f;
    polynomial = polynomial * reduced + 0.5f;
    polynomial = polynomial * reduced + 1.0f;
    polynomial = polynomial * reduced + 1.0f;
    FloatLaneBits exponent = (((FloatLaneBits)shifted - (FloatLaneBits)magic) + 127) << 23;
    FloatLanes result = polynomial * (FloatLanes)exponent;
    return float_select(underflow, float_splat(0), result);
}

ALWAYS_INLINE void float_silu(FloatLanes preactivation, FloatLanes *value, FloatLanes *slope) {
    FloatLanes negativeMagnitude = float_select(preactivation > float_splat(0), -preactivation, preactivation);
    FloatLanes exponent = float_exponential(negativeMagnitude);
    FloatLanes reciprocal = float_splat(1) / (float_splat(1) + exponent);
    FloatLanes sigmoid = float_select(preactivation >= float_splat(0), reciprocal, exponent * reciprocal);
    *value = preactivation * sigmoid;
    *slope = sigmoid + *value * (float_splat(1) - sigmoid);
}

ALWAYS_INLINE void exponential_float_body(const float *in, float *out, long count) {
    long index = 0;
    for (; index + 16 <= count; index += 16) float_store(out + index, float_exponential(float_load(in + index)));
    if (index < count) {
        float padded[16];
        float_store(padded, float_exponential(float_load_partial(in + index, count - index)));
        memcpy(out + index, padded, (size_t)(count - index) * sizeof(float));
    }
}

BIAS_SILU_BODY(bias_silu_float_body, float, FloatLanes, 16, float_)

// The three instantiations of `name##_body` and the two entry points of a kernel returning nothing:
// vector_math_<name>_path (explicit path, falling back where the CPU lacks it) and vector_math_<name> (dispatched).
#define STRIP(...) __VA_ARGS__
#define DISPATCHED(name, parameters, arguments)                                                                \
    static void name##_portable(STRIP parameters) { name##_body(STRIP arguments); }                           \
    AVX2 static void name##_avx2(STRIP parameters) { name##_body(STRIP arguments); }                          \
    AVX512 static void name##_avx512(STRIP parameters) { name##_body(STRIP arguments); }                      \
    void vector_math_##name##_path(VectorMathPath path, STRIP parameters) {                                   \
        switch (supported(path)) {                                                                            \
        case VectorMathAVX512: name##_avx512(STRIP arguments); break;                                         \
        case VectorMathAVX2: name##_avx2(STRIP arguments); break;                                             \
        default: name##_portable(STRIP arguments);                                                            \
        }                                                                                                     \
    }                                                                                                         \
    void vector_math_##name(STRIP parameters) {                                                               \
        vector_math_##name##_path(vector_math_selected_path(), STRIP arguments);                              \
    }

DISPATCHED(
    bias_silu, (double *values, double *derivatives, const double *biases, long rows, long columns),
    (values, derivatives, biases, rows, columns))
DISPATCHED(
    bias_silu_float, (float *values, float *derivatives, const float *biases, long rows, long columns),
    (values, derivatives, biases, rows, columns))
DISPATCHED(exponential_float, (const float *in, float *out, long count), (in, out, count))

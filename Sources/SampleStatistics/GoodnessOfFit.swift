import Foundation

/// Pearson's chi-square test of observed counts against expected counts.
///
/// X² = Σ_i (O_i − E_i)² / E_i over bins, after pooling: bins are taken in order and merged until the pooled expected
/// count reaches `minimumExpected` (5 by default, the usual validity rule); a remainder below it joins the last
/// pooled bin. Degrees of freedom: pooled bins − 1 − `estimatedParameters`. p-value: Q(k/2, X²/2), the chi-square
/// survival function. The expected counts must add up to the observed total (relative 1e-6). Cost O(bins).
public struct ChiSquareTest: Sendable, Equatable {
    /// Pearson's X² over the pooled bins.
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// P(χ²_k ≥ X²); 1 when there are no degrees of freedom left (then there is no test: see `isTest`).
    public let pValue: Double
    /// Bins after pooling.
    public let pooledBinCount: Int

    /// Whether the counts leave at least one degree of freedom, so that the statistic and p tell anything.
    public var isTest: Bool { degreesOfFreedom > 0 }

    public init(observed: [Double], expected: [Double], estimatedParameters: Int = 0, minimumExpected: Double = 5) {
        precondition(
            observed.count == expected.count && !observed.isEmpty,
            "ChiSquareTest: observed and expected need the same, non-zero length")
        precondition(
            expected.allSatisfy { $0 >= 0 && $0.isFinite } && observed.allSatisfy { $0 >= 0 && $0.isFinite },
            "ChiSquareTest: counts must be finite and non-negative")
        let observedTotal = observed.reduce(0, +)
        let expectedTotal = expected.reduce(0, +)
        precondition(
            abs(observedTotal - expectedTotal) <= 1e-6 * max(observedTotal, expectedTotal),
            "ChiSquareTest: expected counts must add up to the observed total")
        var pooled: [(observed: Double, expected: Double)] = []
        var current = (observed: 0.0, expected: 0.0)
        for (count, expectation) in zip(observed, expected) {
            current.observed += count
            current.expected += expectation
            if current.expected >= minimumExpected {
                pooled.append(current)
                current = (0, 0)
            }
        }
        if current.expected > 0 || current.observed > 0 {
            if pooled.isEmpty {
                pooled.append(current)
            } else {
                pooled[pooled.count - 1].observed += current.observed
                pooled[pooled.count - 1].expected += current.expected
            }
        }
        statistic = pooled.reduce(0) { sum, bin in
            bin.expected > 0
                ? sum + (bin.observed - bin.expected) * (bin.observed - bin.expected) / bin.expected
                : (bin.observed > 0 ? .infinity : sum)
        }
        pooledBinCount = pooled.count
        // No bins (nothing observed) or fewer bins than parameters leave no degrees of freedom, never negative ones.
        degreesOfFreedom = max(0, pooled.count - 1 - estimatedParameters)
        pValue =
            degreesOfFreedom > 0
            ? SpecialFunctions.regularizedUpperGamma(Double(degreesOfFreedom) / 2, statistic / 2) : 1
    }
}

/// The Kolmogorov–Smirnov test, one-sample (against a continuous CDF) or two-sample.
///
/// D = sup_x |F_n(x) − F(x)| (one sample) or sup_x |F_n(x) − G_m(x)| (two samples). p-value from the Kolmogorov
/// limit law with Stephens' small-sample correction, Q_KS((√n_e + 0.12 + 0.11/√n_e) D), n_e = n (one sample) or
/// n m / (n + m) (two samples); good to a few per cent of p for n_e ≥ 4. Cost O(n log n) (sorting).
public struct KolmogorovSmirnovTest: Sendable, Equatable {
    public let statistic: Double
    public let pValue: Double
    /// The effective sample size n_e.
    public let effectiveCount: Double

    /// One sample against the continuous cumulative distribution `cumulativeDistribution`.
    public init(sample: [Double], cumulativeDistribution: (Double) -> Double) {
        precondition(!sample.isEmpty, "KolmogorovSmirnovTest: empty sample")
        let sorted = sample.sorted()
        let count = Double(sorted.count)
        var distance = 0.0
        for (index, value) in sorted.enumerated() {
            let cumulative = cumulativeDistribution(value)
            distance = max(distance, Double(index + 1) / count - cumulative, cumulative - Double(index) / count)
        }
        self.init(statistic: distance, effectiveCount: count)
    }

    /// Two samples (ties across the samples are handled by advancing through equal values together).
    public init(sample: [Double], otherSample: [Double]) {
        precondition(!sample.isEmpty && !otherSample.isEmpty, "KolmogorovSmirnovTest: empty sample")
        let first = sample.sorted()
        let second = otherSample.sorted()
        let firstCount = Double(first.count)
        let secondCount = Double(second.count)
        var i = 0
        var j = 0
        var distance = 0.0
        while i < first.count && j < second.count {
            let value = min(first[i], second[j])
            while i < first.count && first[i] == value { i += 1 }
            while j < second.count && second[j] == value { j += 1 }
            distance = max(distance, abs(Double(i) / firstCount - Double(j) / secondCount))
        }
        self.init(statistic: distance, effectiveCount: firstCount * secondCount / (firstCount + secondCount))
    }

    private init(statistic: Double, effectiveCount: Double) {
        self.statistic = statistic
        self.effectiveCount = effectiveCount
        let root = effectiveCount.squareRoot()
        pValue = SpecialFunctions.kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic)
    }
}

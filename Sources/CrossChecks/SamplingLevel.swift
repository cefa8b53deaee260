import Foundation

/// The total variation a histogram of M independent particles shows against the exact bin masses by sampling
/// alone, and how much it scatters.
///
/// With bin masses p_i (summing to 1) and counts (n_i) multinomial(M, p), the histogram masses are
/// phat_i = n_i / M and TV = (1/2) sum_i |phat_i - p_i|. Its expectation is exact:
///
///     E TV = (1/(2M)) sum_i E|n_i - M p_i|,
///     E|n - M p| = 2 nu C(M, nu) p^nu (1 - p)^(M - nu + 1),  nu = floor(M p) + 1
///
/// (de Moivre's mean absolute deviation of the binomial, evaluated through log-gamma). For large M p_i this is
/// sqrt(2 p_i (1 - p_i) / (pi M)); for M p_i << 1 it is about 2 p_i, which is why E TV falls more slowly than
/// M^(-1/2) while many bins hold less than one particle. The variance
///
///     Var TV = (1/4) [ sum_i (p_i (1 - p_i)/M - (E|phat_i - p_i|)^2)
///                      + sum_(i != j) Cov(|phat_i - p_i|, |phat_j - p_j|) ]
///
/// takes the covariances from the normal approximation: for a centred normal pair with standard deviations s_i, s_j
/// and correlation r, Cov(|X|, |Y|) = (2/pi) s_i s_j (r arcsin r + sqrt(1 - r^2) - 1) = s_i s_j r^2 / pi + O(r^4);
/// with the multinomial r_ij = -sqrt(p_i p_j / ((1 - p_i)(1 - p_j))) the sum is
/// (1/(pi M)) [(sum_i a_i)^2 - sum_i a_i^2], a_i = p_i^(3/2) / sqrt(1 - p_i). Cost O(number of bins).
public struct MultinomialSamplingLevel: Sendable, Equatable {
    public let particleCount: Int
    /// E TV.
    public let expectedTotalVariation: Double
    /// sqrt(Var TV): the standard error of one measured TV about its expectation.
    public let totalVariationStandardError: Double

    /// The level for M = `particleCount` particles over bins of mass `binMasses` (normalized here to sum 1).
    public init(binMasses: [Double], particleCount: Int) {
        precondition(particleCount >= 1, "MultinomialSamplingLevel: at least one particle")
        let total = binMasses.reduce(0, +)
        precondition(total > 0, "MultinomialSamplingLevel: the bins hold no mass")
        let probabilities = binMasses.map { max($0, 0) / total }
        let count = Double(particleCount)
        var meanSum = 0.0
        var varianceSum = 0.0
        var crossSum = 0.0
        var crossSquares = 0.0
        for probability in probabilities where probability > 0 && probability < 1 {
            let meanDeviation =
                Self.binomialMeanAbsoluteDeviation(trials: particleCount, probability: probability) / count
            meanSum += meanDeviation
            varianceSum += max(probability * (1 - probability) / count - meanDeviation * meanDeviation, 0)
            let weight = pow(probability, 1.5) / (1 - probability).squareRoot()
            crossSum += weight
            crossSquares += weight * weight
        }
        let covarianceSum = (crossSum * crossSum - crossSquares) / (Double.pi * count)
        self.particleCount = particleCount
        expectedTotalVariation = meanSum / 2
        totalVariationStandardError = max(varianceSum + covarianceSum, 0).squareRoot() / 2
    }

    /// E|n - M p| for n ~ Binomial(M, p): 2 nu C(M, nu) p^nu (1 - p)^(M - nu + 1) with nu = floor(M p) + 1
    /// (de Moivre), in logarithms. 0 for p = 0 or 1. O(1).
    public static func binomialMeanAbsoluteDeviation(trials: Int, probability: Double) -> Double {
        guard probability > 0 && probability < 1 else { return 0 }
        let count = Double(trials)
        let threshold = (count * probability).rounded(.down) + 1
        guard threshold <= count else { return 0 }
        let logBinomial: Double = lgamma(count + 1) - lgamma(threshold + 1) - lgamma(count - threshold + 1)
        let logPowers: Double = threshold * log(probability) + (count - threshold + 1) * log1p(-probability)
        return exp(log(2 * threshold) + logBinomial + logPowers)
    }

    /// (TV - E TV) / SE: how many standard errors a measured TV lies from the sampling level.
    public func standardScore(of totalVariation: Double) -> Double {
        (totalVariation - expectedTotalVariation) / totalVariationStandardError
    }
}

import Foundation

/// Two Gaussian classes in R^d with equal weights: rho_0 = (1/2) N(m, s^2 I) + (1/2) N(-m, s^2 I), m = mu sqrt(d) e
/// for the unit vector e = (1, ..., 1) / sqrt(d) (so every axis carries mean +-mu: the signal grows with d, as in
/// Biroli, Bonnaire, de Bortoli and Mezard 2024), and its speciation under the OU process (THEORY §10).
///
/// The class of a point is the sign of <e, x>. The data covariance is s^2 I + m m^T, whose largest eigenvalue is
/// Lambda = s^2 + mu^2 d (along e), so the speciation time is t_S = (1/2) ln Lambda.
///
/// Same-class probability of two clones branched at t (`sameClassProbability(branchTime:)`): with the exact score
/// the reverse dynamics from X_t = x sample X_0 given X_t = x, and the clones are two independent such draws, so
/// phi(t) = E over x ~ rho_t of [r(x)^2 + (1 - r(x))^2] with r(x) = P(<e, X_0> > 0 | X_t = x). Everything depends on
/// x only through q = <e, x>. With M = |m| = mu sqrt(d), a = e^-t, V = a^2 s^2 + 1 - a^2 (the class variance at t):
/// - q given the class c = +-1 is N(c a M, V), so P(+ | q) = 1 / (1 + e^(-2 a M q / V));
/// - <e, X_0> given q and c is N(mu_c(q), w^2) with mu_c(q) = (c (1 - a^2) M + a s^2 q) / V and
///   w^2 = s^2 (1 - a^2) / V (Gaussian conditioning of the class's X_0 ~ N(c M, s^2) on q = a X_0 + noise);
/// - r(q) = P(+ | q) Phi(mu_+(q) / w) + P(- | q) Phi(mu_-(q) / w).
/// By the symmetry q -> -q, phi(t) = E over z ~ N(0, 1) of [r(q)^2 + (1 - r(q))^2] at q = a M + sqrt(V) z, computed
/// by Simpson's rule on z in [-12, 12] with 4800 intervals (the weight beyond is below 1e-31; the integrand is smooth
/// with slope at most 2 a M sqrt(V) / V in z, so the rule's error is far below 1e-10 for d <= 10^4).
/// THEORY's form uses the component itself for the class, r = P(+ | q); the two differ by at most
/// 2 Phi(-M / s) (2e-9 at M / s = 6), since the sign of <e, X_0> differs from the component with that probability.
///
/// In the limit d -> infinity at t = t_S, a^2 M^2 / V -> 1 and the logit 2 a M q / V = 2 + 2 z: phi(t_S) tends to
/// E[sigmoid(2 + 2 z)^2 + sigmoid(-2 - 2 z)^2] = 0.7752 (`limitingSameClassProbabilityAtSpeciation`); the curve
/// phi against t - t_S tends to one shape whose width is O(1), so against t / t_S the crossover sharpens as
/// 1 / ln d.
public struct TwoClassData: Sendable, Equatable {
    public let dimension: Int
    /// mu: the class mean on every axis.
    public let meanPerAxis: Double
    /// s: the standard deviation of each class on every axis.
    public let classStandardDeviation: Double

    public init(dimension: Int, meanPerAxis: Double = 1, classStandardDeviation: Double = 1) {
        precondition(dimension >= 1 && meanPerAxis > 0 && classStandardDeviation > 0)
        (self.dimension, self.meanPerAxis, self.classStandardDeviation) =
            (dimension, meanPerAxis, classStandardDeviation)
    }

    /// |m| = mu sqrt(d).
    public var meanNorm: Double { meanPerAxis * Double(dimension).squareRoot() }
    /// Lambda = s^2 + mu^2 d, the largest eigenvalue of the data covariance.
    public var largestEigenvalue: Double {
        classStandardDeviation * classStandardDeviation + meanPerAxis * meanPerAxis * Double(dimension)
    }
    /// t_S = (1/2) ln Lambda.
    public var speciationTime: Double { 0.5 * log(largestEigenvalue) }

    /// The two class means, flat (2 x d): +m then -m.
    public var classMeans: [Double] {
        [Double](repeating: meanPerAxis, count: dimension) + [Double](repeating: -meanPerAxis, count: dimension)
    }

    /// phi(t), the probability that two independent exact reverse runs from one X_t ~ rho_t end with <e, X_0> of
    /// the same sign (the type's doc gives the formula and the quadrature's error). phi(0) = 1.
    public func sameClassProbability(branchTime time: Double) -> Double {
        if time == 0 { return 1 }
        let scale = exp(-time)
        let norm = meanNorm
        let variance2 = classStandardDeviation * classStandardDeviation
        let spread = -expm1(-2 * time)
        let classVariance = scale * scale * variance2 + spread
        let conditionalSpread = (variance2 * spread / classVariance).squareRoot()
        func integrand(_ z: Double) -> Double {
            let q = scale * norm + classVariance.squareRoot() * z
            let plus = 1 / (1 + exp(-2 * scale * norm * q / classVariance))
            let meanPlus = (spread * norm + scale * variance2 * q) / classVariance
            let meanMinus = (-spread * norm + scale * variance2 * q) / classVariance
            let positive =
                plus * Self.normalCDF(meanPlus / conditionalSpread)
                + (1 - plus) * Self.normalCDF(meanMinus / conditionalSpread)
            return (positive * positive + (1 - positive) * (1 - positive)) * exp(-0.5 * z * z)
        }
        return Self.simpson(integrand, from: -12, to: 12, intervals: 4800) / (2 * Double.pi).squareRoot()
    }

    /// lim over d -> infinity of phi(t_S): E over z ~ N(0, 1) of sigmoid(2 + 2z)^2 + sigmoid(-2 - 2z)^2 (0.7752).
    public static var limitingSameClassProbabilityAtSpeciation: Double {
        let value = simpson(
            { z in
                let plus = 1 / (1 + exp(-2 - 2 * z))
                return (plus * plus + (1 - plus) * (1 - plus)) * exp(-0.5 * z * z)
            }, from: -12, to: 12, intervals: 4800)
        return value / (2 * Double.pi).squareRoot()
    }

    /// The branch time at which phi equals `level` (in (1/2, 1)), by bisection on [1e-6, t_S + 20] (phi decreases
    /// in t): 60 halvings, so to 2e-17 t_S plus the quadrature's error over phi's slope.
    public func branchTime(atSameClassProbability level: Double) -> Double {
        precondition(level > 0.5 && level < 1)
        var (low, high) = (1e-6, speciationTime + 20)
        for _ in 0..<60 {
            let middle = 0.5 * (low + high)
            if sameClassProbability(branchTime: middle) > level { low = middle } else { high = middle }
        }
        return 0.5 * (low + high)
    }

    /// Phi(x) = erfc(-x / sqrt 2) / 2.
    static func normalCDF(_ value: Double) -> Double { 0.5 * erfc(-value / 2.0.squareRoot()) }

    /// Composite Simpson's rule with an even number of intervals.
    static func simpson(_ function: (Double) -> Double, from low: Double, to high: Double, intervals: Int) -> Double {
        let width = (high - low) / Double(intervals)
        var sum = function(low) + function(high)
        for index in 1..<intervals { sum += (index % 2 == 1 ? 4 : 2) * function(low + Double(index) * width) }
        return sum * width / 3
    }
}

import Foundation

/// The decay exponent of a discrepancy against the particle count, by least squares on log–log axes.
///
/// Observations (group g, M, e) with e > 0 are fitted by log e = a_g + q log M: one slope q shared by every group
/// (each comparison time is a group), one intercept per group, so that discrepancies of different sizes at
/// different times do not tilt the slope. q = sum_g sum (x - xbar_g)(y - ybar_g) / sum_g sum (x - xbar_g)^2 with
/// x = log M, y = log e. Sampling alone gives q = -1/2. nil without two distinct M in some group. Cost O(n).
public enum DecayFit {
    public static func exponent(groups: [[(particleCount: Int, discrepancy: Double)]]) -> Double? {
        var covariance = 0.0
        var spread = 0.0
        for group in groups {
            let points = group.filter { $0.discrepancy > 0 && $0.discrepancy.isFinite && $0.particleCount > 0 }
            guard points.count >= 2 else { continue }
            let xs = points.map { log(Double($0.particleCount)) }
            let ys = points.map { log($0.discrepancy) }
            let meanX = xs.reduce(0, +) / Double(xs.count)
            let meanY = ys.reduce(0, +) / Double(ys.count)
            for (x, y) in zip(xs, ys) {
                covariance += (x - meanX) * (y - meanY)
                spread += (x - meanX) * (x - meanX)
            }
        }
        return spread > 0 ? covariance / spread : nil
    }

    /// The standard error of that slope when each e scatters about its level with standard error `standardError`.
    ///
    /// q = sum_g sum_i c_i y_i with c_i = (x_i - xbar_g) / S, S = sum_g sum_i (x_i - xbar_g)^2, and
    /// sd(y_i) = standardError_i / level_i (the delta method for y = log e). Within a group the counts are nested
    /// prefixes of one run, so the fluctuations of M_i and M_j share the first min(M) particles: their correlation is
    /// taken as sqrt(min(M_i, M_j) / max(M_i, M_j)), that of two means over nested samples. Across groups (the same
    /// paths at other times) the correlation is unknown; it is taken as 1, the worst case, so that the group terms'
    /// standard deviations add: SE(q) = sum_g sqrt(sum_(i, j in g) c_i c_j sd_i sd_j rho_ij). nil where `exponent` is.
    /// Cost O(sum of squared group sizes).
    public static func exponentStandardError(
        groups: [[(particleCount: Int, level: Double, standardError: Double)]]
    ) -> Double? {
        var spread = 0.0
        var used: [[(x: Double, particles: Double, deviation: Double)]] = []
        for group in groups {
            let points = group.filter { $0.level > 0 && $0.level.isFinite && $0.particleCount > 0 }
            guard points.count >= 2 else { continue }
            let xs = points.map { log(Double($0.particleCount)) }
            let meanX = xs.reduce(0, +) / Double(xs.count)
            spread += xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
            used.append(
                zip(xs, points).map { ($0.0 - meanX, Double($0.1.particleCount), $0.1.standardError / $0.1.level) })
        }
        guard spread > 0 else { return nil }
        var total = 0.0
        for group in used {
            var variance = 0.0
            for first in group {
                for second in group {
                    let correlation = (min(first.particles, second.particles) / max(first.particles, second.particles))
                        .squareRoot()
                    variance += first.x * second.x * first.deviation * second.deviation * correlation
                }
            }
            total += max(variance, 0).squareRoot()
        }
        return total / spread
    }
}

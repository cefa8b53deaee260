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
            let xs = points.map { log(Double($0.particleCount)) }, ys = points.map { log($0.discrepancy) }
            let meanX = xs.reduce(0, +) / Double(xs.count), meanY = ys.reduce(0, +) / Double(ys.count)
            for (x, y) in zip(xs, ys) {
                covariance += (x - meanX) * (y - meanY)
                spread += (x - meanX) * (x - meanX)
            }
        }
        return spread > 0 ? covariance / spread : nil
    }
}

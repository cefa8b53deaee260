import Foundation

extension GaussianMixture {
    /// The distribution function of a 1-D mixture, F(x) = sum_k w_k Phi((x − mu_k) / s_k), with
    /// Phi(z) = erfc(−z / sqrt 2) / 2 (accurate to a few ulps in both tails). Cost O(K).
    public func cumulativeProbability(at value: Double) -> Double {
        precondition(dimension == 1, "cumulativeProbability: a 1-D mixture")
        var total = 0.0
        for component in components {
            let deviation = (value - component.mean[0]) / component.covariance[0].squareRoot()
            total += component.weight * 0.5 * erfc(-deviation / 2.0.squareRoot())
        }
        return total
    }

    /// The quantile Q(u) of a 1-D mixture, the x with F(x) = u for 0 < u < 1: bisection on
    /// [min mu_k − 40 s_k, max mu_k + 40 s_k] down to adjacent doubles (F is increasing), so Q is exact to the
    /// resolution of F. Cost: about 60 + log2(range / ulp) evaluations of F, O(K) each.
    public func quantile(_ probability: Double) -> Double {
        precondition(dimension == 1 && probability > 0 && probability < 1, "quantile: a 1-D mixture and 0 < u < 1")
        var low = components.map { $0.mean[0] - 40 * $0.covariance[0].squareRoot() }.min()!
        var high = components.map { $0.mean[0] + 40 * $0.covariance[0].squareRoot() }.max()!
        while true {
            let middle = 0.5 * (low + high)
            if middle <= low || middle >= high { return middle }
            if cumulativeProbability(at: middle) < probability { low = middle } else { high = middle }
        }
    }
}

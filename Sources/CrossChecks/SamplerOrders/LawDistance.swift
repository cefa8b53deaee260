import DiffusionModels
import Foundation

/// Distances between a sampled 1-D law and an exact mixture law, measured without the sampling error.
///
/// The common measure is the Cramér distance C = (int (F_h − F)^2 dx)^(1/2) between the sampler's distribution
/// function F_h and the exact F. A sampler of weak order p has F_h − F = h^p G + o(h^p) for smooth data, so C falls
/// like h^p, as the weak error of any smooth test function does.
public enum LawDistance {
    /// C^2 for a sampler that transports quantiles: `ends[i]` is where the start quantile u_i = (i + 1/2) / M went
    /// (sorted, as a monotone transport leaves them). With x = Q_h(u), C^2 = int_0^1 (u − F(Q_h(u)))^2 Q_h'(u) du,
    /// by the midpoint rule in u with Q_h' from central differences of the ends (one-sided at the two ends): exact
    /// up to a relative O(M^-2). No sampling error: the start points are not random. Cost O(M K) in the mixture's
    /// K components.
    public static func squaredCramerFromQuantiles(ends: [Double], law: GaussianMixture) -> Double {
        let count = ends.count
        precondition(count >= 2, "squaredCramerFromQuantiles: at least two points")
        var total = 0.0
        for index in 0..<count {
            let probability = (Double(index) + 0.5) / Double(count)
            let gap = law.cumulativeProbability(at: ends[index]) - probability
            let (below, above) = (max(index - 1, 0), min(index + 1, count - 1))
            let derivative = (ends[above] - ends[below]) / Double(above - below)
            total += gap * gap * derivative
        }
        return total
    }

    /// W1 and W2 between the transported quantiles and the exact ones, W_p = (int_0^1 |Q_h(u) − Q(u)|^p du)^(1/p)
    /// by the midpoint rule on u_i = (i + 1/2) / M (in 1-D the monotone coupling is optimal). Cost O(M).
    public static func wasserstein(ends: [Double], exactQuantiles: [Double]) -> (first: Double, second: Double) {
        precondition(ends.count == exactQuantiles.count && !ends.isEmpty, "wasserstein: one exact quantile a point")
        var (absolute, squared) = (0.0, 0.0)
        for (end, exact) in zip(ends, exactQuantiles) {
            absolute += abs(end - exact)
            squared += (end - exact) * (end - exact)
        }
        let count = Double(ends.count)
        return (absolute / count, (squared / count).squareRoot())
    }

    /// The nodes, trapezoid weights and exact distribution function of `unbiasedSquaredCramer`, computed once a law.
    public struct Quadrature: Sendable {
        public let nodes: [Double]
        public let weights: [Double]
        /// F at every node.
        public let exactCumulative: [Double]
    }

    /// An unbiased estimate of C^2 from n independent draws of the sampler: with F_n their empirical distribution
    /// function, E (F_n(x) − F(x))^2 = (F_h − F)^2 + F_h (1 − F_h) / n and E F_n (1 − F_n) = F_h (1 − F_h) (1 − 1/n),
    /// so (F_n − F)^2 − F_n (1 − F_n) / (n − 1) has expectation (F_h − F)^2 at every x. Summed with the quadrature's
    /// trapezoid weights on its increasing nodes (spanning the laws), it estimates C^2 up to the quadrature's
    /// O(spacing^2); it can be negative when C^2 is below the sampling noise. Cost O(n log n + nodes).
    public static func unbiasedSquaredCramer(samples: ArraySlice<Double>, quadrature: Quadrature) -> Double {
        let count = samples.count
        precondition(count >= 2, "unbiasedSquaredCramer: at least two draws")
        let sorted = samples.sorted()
        var below = 0
        var total = 0.0
        for (index, node) in quadrature.nodes.enumerated() {
            while below < count && sorted[below] <= node { below += 1 }
            let empirical = Double(below) / Double(count)
            let gap = empirical - quadrature.exactCumulative[index]
            total += quadrature.weights[index] * (gap * gap - empirical * (1 - empirical) / Double(count - 1))
        }
        return total
    }

    /// `count` equally spaced nodes from Q(1e-10) − 1 to Q(1 − 1e-10) + 1 of `law`, their trapezoid weights and F.
    public static func quadrature(for law: GaussianMixture, count: Int = 4096) -> Quadrature {
        let (low, high) = (law.quantile(1e-10) - 1, law.quantile(1 - 1e-10) + 1)
        let spacing = (high - low) / Double(count - 1)
        let nodes = (0..<count).map { low + spacing * Double($0) }
        let weights = (0..<count).map { $0 == 0 || $0 == count - 1 ? spacing / 2 : spacing }
        return Quadrature(nodes: nodes, weights: weights, exactCumulative: nodes.map(law.cumulativeProbability))
    }

    /// L directions e_j = (cos(pi j / L), sin(pi j / L)), j = 0 ..< L, of the sliced distance in 2-D: evenly spaced
    /// over the half circle (e and -e give the same distance).
    public static func sliceDirections(count: Int) -> [[Double]] {
        (0..<count).map { index in
            let angle = Double.pi * Double(index) / Double(count)
            return [Foundation.cos(angle), Foundation.sin(angle)]
        }
    }

    /// The sliced squared Cramér distance's unbiased estimate from draws in 2-D: the mean over `directions` of
    /// `unbiasedSquaredCramer` of the projections e_j . x_i (flat point-major `points`, 2 coordinates a point),
    /// against `quadratures[j]`, the quadrature of the target law projected on e_j. Unbiased for
    /// (1 / L) sum_j int (F_(h, e_j) − F_(e_j))^2, which is 0 only when every slice agrees. Cost O(L n log n).
    public static func unbiasedSlicedSquaredCramer(
        points: ArraySlice<Double>, directions: [[Double]], quadratures: [Quadrature]
    ) -> Double {
        precondition(points.count % 2 == 0 && directions.count == quadratures.count, "sliced Cramér: 2-D points")
        let count = points.count / 2
        let base = points.startIndex
        var total = 0.0
        for (direction, quadrature) in zip(directions, quadratures) {
            let projections = (0..<count).map {
                direction[0] * points[base + 2 * $0] + direction[1] * points[base + 2 * $0 + 1]
            }
            total += unbiasedSquaredCramer(samples: projections[...], quadrature: quadrature)
        }
        return total / Double(directions.count)
    }

    /// The histogram of draws against a law's exact cell masses: `cellCount` equal cells between the law's quantiles
    /// 1e-6 and 1 − 1e-6, and one bin for the mass outside them.
    public struct Histogram: Sendable {
        /// The cells' edges, increasing (cellCount + 1 of them).
        public let edges: [Double]
        /// The exact masses F(b_(i+1)) − F(b_i) of the cells, then the outside mass 1 − F(b_last) + F(b_0).
        public let binMasses: [Double]

        public init(law: GaussianMixture, cellCount: Int = 200) {
            let (low, high) = (law.quantile(1e-6), law.quantile(1 - 1e-6))
            edges = (0...cellCount).map { low + (high - low) * Double($0) / Double(cellCount) }
            let cumulative = edges.map(law.cumulativeProbability)
            binMasses =
                (0..<cellCount).map { cumulative[$0 + 1] - cumulative[$0] }
                + [1 - cumulative[cellCount] + cumulative[0]]
        }

        /// TV = (1/2) sum_i |n_i / n − p_i| over the cells and the outside bin. Cost O(n log cells).
        public func totalVariation(of samples: [Double]) -> Double {
            var counts = [Int](repeating: 0, count: binMasses.count)
            let outside = binMasses.count - 1
            for sample in samples {
                guard sample >= edges[0] && sample < edges[outside] else {
                    counts[outside] += 1
                    continue
                }
                var (lower, upper) = (0, outside) // edges[lower] <= sample < edges[upper]
                while upper - lower > 1 {
                    let middle = (lower + upper) / 2
                    if edges[middle] <= sample { lower = middle } else { upper = middle }
                }
                counts[lower] += 1
            }
            let total = Double(samples.count)
            return 0.5 * zip(counts, binMasses).reduce(0) { $0 + abs(Double($1.0) / total - $1.1) }
        }
    }
}

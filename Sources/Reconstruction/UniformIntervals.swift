import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Scores

/// Data spread uniformly on disjoint intervals, rho_0 = sum_j w_j U[a_j, b_j] (1-D): a support with gaps, the test
/// case of support containment (THEORY §4), with every quantity exact for any linear model dX = f X dt + g dB.
///
/// Under the model X_t = m X_0 + sqrt(v) eps, so given X_t = x the prior restricted to each interval meets the
/// Gaussian likelihood N(x; m y, v) = N(y; mu, sigma^2)/m with mu = x/m, sigma = sqrt(v)/m. With the standardized
/// ends alpha_j = (a_j - mu)/sigma, beta_j = (b_j - mu)/sigma and P_j = Phi(beta_j) - Phi(alpha_j):
/// - density: rho_t(x) = sum_j w_j P_j / (m (b_j - a_j));
/// - posterior: interval j with probability r_j proportional to w_j P_j / (b_j - a_j), and there the truncated
///   normal N(mu, sigma^2) on [a_j, b_j], whose mean is mu + sigma E_j, E_j = (phi(alpha_j) - phi(beta_j)) / P_j;
/// - <X0>(x, t) = sum_j r_j (mu + sigma E_j);  score = (m <X0> - x) / v = sum_j r_j E_j / sqrt(v) (the cancelling
///   terms m mu = x are dropped analytically).
/// Everything is computed in log space (`NormalTails`: log P_j without cancellation far in the tails, r_j by
/// log-sum-exp), so points many standard deviations from the support keep a finite, correct score. Cost per point
/// O(J).
public struct UniformIntervals: Sendable, Equatable {
    public struct Piece: Sendable, Equatable {
        public var weight: Double
        public var lower: Double
        public var upper: Double
        public init(weight: Double, lower: Double, upper: Double) {
            self.weight = weight
            self.lower = lower
            self.upper = upper
        }
    }

    /// Sorted, disjoint pieces with positive weights summing to 1.
    public let pieces: [Piece]
    /// log(w_j / (b_j - a_j)), the log density of each piece.
    let logPieceDensities: [Double]

    public init(pieces: [Piece]) throws {
        let sorted = pieces.sorted { $0.lower < $1.lower }
        guard !sorted.isEmpty,
            sorted.allSatisfy({ $0.weight > 0 && $0.lower < $0.upper && $0.lower.isFinite && $0.upper.isFinite })
        else {
            throw ReconstructionError("every interval needs a positive weight and finite ends a < b")
        }
        guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0.0.upper <= $0.1.lower }) else {
            throw ReconstructionError("the intervals must not overlap")
        }
        guard abs(sorted.reduce(0) { $0 + $1.weight } - 1) <= 1e-9 else {
            throw ReconstructionError("the interval weights must sum to 1")
        }
        self.pieces = sorted
        logPieceDensities = sorted.map { Foundation.log($0.weight / ($0.upper - $0.lower)) }
    }

    /// The default of the support experiment: 0.3 U[-2, -1] + 0.7 U[1, 2].
    public static let twoIntervals = try! UniformIntervals(pieces: [
        Piece(weight: 0.3, lower: -2, upper: -1), Piece(weight: 0.7, lower: 1, upper: 2),
    ])

    /// "0.3·U[-2, -1] + 0.7·U[1, 2]".
    public var summary: String {
        pieces.map { "\(Self.format($0.weight))·U[\(Self.format($0.lower)), \(Self.format($0.upper))]" }.joined(
            separator: " + ")
    }

    static func format(_ value: Double) -> String { String(format: "%g", value) }

    public func isInSupport(_ x: Double) -> Bool { pieces.contains { $0.lower <= x && x <= $0.upper } }

    /// rho_0(x).
    public func initialDensity(at x: Double) -> Double {
        pieces.reduce(0) { $0 + ($1.lower <= x && x <= $1.upper ? $1.weight / ($1.upper - $1.lower) : 0) }
    }

    /// The model's m(t) and sqrt(v(t)) at forward time t > 0: computed once per block of points.
    func marginal(time: Double, model: LinearSDE) -> (scale: Double, spread: Double) {
        (model.meanScale(to: time), model.variance(to: time).squareRoot())
    }

    /// At X_t = x: writes the posterior piece probabilities r_j into `weights` and the standardized truncated means
    /// E_j into `means` (both J long), and returns log rho_t(x). No allocation.
    func posterior(
        at x: Double, scale: Double, spread: Double, weights: UnsafeMutableBufferPointer<Double>,
        means: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        let relativeSpread = spread / scale
        let centre = x / scale
        var largest = -Double.infinity
        for index in pieces.indices {
            let piece = pieces[index]
            let moments = NormalTails.truncatedMoments(
                alpha: (piece.lower - centre) / relativeSpread, beta: (piece.upper - centre) / relativeSpread)
            weights[index] = logPieceDensities[index] + moments.logProbability
            means[index] = moments.mean
            largest = max(largest, weights[index])
        }
        var total = 0.0
        for index in pieces.indices {
            weights[index] = Foundation.exp(weights[index] - largest)
            total += weights[index]
        }
        for index in pieces.indices { weights[index] /= total }
        return largest + Foundation.log(total) - Foundation.log(scale)
    }

    /// The three point quantities at once: log rho_t(x), <X0>(x, t) and the score sum_j r_j E_j / sqrt(v).
    func evaluate(at x: Double, scale: Double, spread: Double) -> (
        logDensity: Double, posteriorMean: Double, score: Double
    ) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * pieces.count) { buffer in
            let weights = UnsafeMutableBufferPointer(rebasing: buffer[0..<pieces.count])
            let means = UnsafeMutableBufferPointer(rebasing: buffer[pieces.count...])
            let logDensity = posterior(at: x, scale: scale, spread: spread, weights: weights, means: means)
            var mean = 0.0
            var score = 0.0
            for index in pieces.indices {
                mean += weights[index] * (x / scale + spread / scale * means[index])
                score += weights[index] * means[index]
            }
            return (logDensity, mean, score / spread)
        }
    }

    /// log rho_t(x) for t > 0.
    public func logDensity(at x: Double, time: Double, model: LinearSDE) -> Double {
        let marginal = self.marginal(time: time, model: model)
        return evaluate(at: x, scale: marginal.scale, spread: marginal.spread).logDensity
    }

    /// rho_t(x): the exact density for t > 0, rho_0 at t = 0.
    public func density(at x: Double, time: Double, model: LinearSDE) -> Double {
        time > 0 ? Foundation.exp(logDensity(at: x, time: time, model: model)) : initialDensity(at: x)
    }

    /// <X0>(x, t) = E[X0 | X_t = x].
    public func posteriorMean(at x: Double, time: Double, model: LinearSDE) -> Double {
        let marginal = self.marginal(time: time, model: model)
        return evaluate(at: x, scale: marginal.scale, spread: marginal.spread).posteriorMean
    }

    /// grad log rho_t(x) = sum_j r_j E_j / sqrt(v).
    public func score(at x: Double, time: Double, model: LinearSDE) -> Double {
        let marginal = self.marginal(time: time, model: model)
        return evaluate(at: x, scale: marginal.scale, spread: marginal.spread).score
    }

    /// P(X0 in piece j | X_t = x), every j.
    public func pieceProbabilities(at x: Double, time: Double, model: LinearSDE) -> [Double] {
        let marginal = self.marginal(time: time, model: model)
        var weights = [Double](repeating: 0, count: pieces.count)
        var means = weights
        weights.withUnsafeMutableBufferPointer { weightBuffer in
            means.withUnsafeMutableBufferPointer { meanBuffer in
                _ = posterior(
                    at: x, scale: marginal.scale, spread: marginal.spread, weights: weightBuffer, means: meanBuffer)
            }
        }
        return weights
    }

    /// rho_t on a 1-D grid: cell averages at t = 0 (the exact mass of each cell over its width, so edges between
    /// cell faces are shared exactly), samples at the cell centres for t > 0.
    public func field(on grid: Grid, time: Double, model: LinearSDE) -> Field {
        precondition(grid.dimension == 1, "UniformIntervals: a 1-D grid")
        if time > 0 { return Field(grid: grid, sampling: { density(at: $0[0], time: time, model: model) }) }
        let width = grid.spacing(axis: 0)
        return Field(
            grid: grid,
            values: (0..<grid.count).map { cell in
                let low = -grid.halfWidth + Double(cell) * width
                let high = low + width
                return pieces.reduce(0) { sum, piece in
                    sum + piece.weight / (piece.upper - piece.lower)
                        * max(0, min(high, piece.upper) - max(low, piece.lower))
                } / width
            })
    }
}

/// The exact score of `UniformIntervals` data under a linear model, as a score provider (1-D). Posterior means
/// come from the truncated normals directly, not through Tweedie's formula. Cost per point O(J).
public struct UniformIntervalsScore: ScoreProvider {
    public let data: UniformIntervals
    public let model: LinearSDE
    public var dimension: Int { 1 }
    public var name: String { "exact-intervals" }

    public init(data: UniformIntervals, model: LinearSDE) {
        self.data = data
        self.model = model
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        let marginal = data.marginal(time: time, model: model)
        for index in 0..<points.count {
            scores[index] = data.evaluate(at: points[index], scale: marginal.scale, spread: marginal.spread).score
        }
    }

    public func posteriorMean(
        at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        let marginal = data.marginal(time: time, model: model)
        for index in 0..<points.count {
            means[index] =
                data.evaluate(at: points[index], scale: marginal.scale, spread: marginal.spread).posteriorMean
        }
    }
}

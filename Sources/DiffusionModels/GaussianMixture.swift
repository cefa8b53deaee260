import Foundation

/// A Gaussian mixture rho = sum_k w_k N(mu_k, Sigma_k) in R^d with full covariances: the exact oracle.
///
/// Under a linear SDE it stays a mixture (THEORY §2): rho_t = sum_k w_k N(m mu_k, m^2 Sigma_k + v I). Density,
/// log-density and score are evaluated with log-sum-exp over components and Cholesky factors, O(K d^2) per
/// point after an O(K d^3) set-up.
public struct GaussianMixture: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        public let weight: Double
        public let mean: [Double]
        /// Row-major d x d, symmetric positive definite.
        public let covariance: [Double]
        /// Lower Cholesky factor of the covariance, row-major.
        let choleskyFactor: [Double]
        /// log det Sigma.
        let logDeterminant: Double

        public init(weight: Double, mean: [Double], covariance: [Double]) {
            let dimension = mean.count
            precondition(covariance.count == dimension * dimension, "Component: covariance must be d x d")
            self.weight = weight
            self.mean = mean
            self.covariance = covariance
            guard let factor = DenseAlgebra.cholesky(covariance, dimension: dimension) else {
                preconditionFailure("Component: covariance is not positive definite")
            }
            choleskyFactor = factor
            logDeterminant = (0..<dimension).reduce(0) { $0 + 2 * Foundation.log(factor[$1 * dimension + $1]) }
        }

        /// A component with per-axis standard deviations (a diagonal covariance).
        public init(weight: Double, mean: [Double], standardDeviations: [Double]) {
            let dimension = mean.count
            precondition(standardDeviations.count == dimension, "Component: one standard deviation per axis")
            var covariance = [Double](repeating: 0, count: dimension * dimension)
            for axis in 0..<dimension {
                covariance[axis * dimension + axis] = standardDeviations[axis] * standardDeviations[axis]
            }
            self.init(weight: weight, mean: mean, covariance: covariance)
        }

        /// log N(x; mu, Sigma) and, if asked, Sigma^-1 (x - mu).
        func logDensity(at point: [Double], precisionTimesDeviation: inout [Double]) -> Double {
            let dimension = mean.count
            var deviation = [Double](repeating: 0, count: dimension)
            for axis in 0..<dimension { deviation[axis] = point[axis] - mean[axis] }
            let whitened = DenseAlgebra.solveLower(choleskyFactor, deviation, dimension: dimension)
            let quadratic = whitened.reduce(0) { $0 + $1 * $1 }
            precisionTimesDeviation = DenseAlgebra.solveUpperTransposed(choleskyFactor, whitened, dimension: dimension)
            return -0.5 * (Double(dimension) * Foundation.log(2 * Double.pi) + logDeterminant + quadratic)
        }
    }

    public let components: [Component]
    public var dimension: Int { components[0].mean.count }

    public init(components: [Component]) {
        precondition(!components.isEmpty, "GaussianMixture: at least one component")
        let dimension = components[0].mean.count
        precondition(
            components.allSatisfy { $0.mean.count == dimension }, "GaussianMixture: components differ in dimension")
        self.components = components
    }

    /// The standard normal N(0, I) in d dimensions (the OU stationary law, gamma).
    public static func standardNormal(dimension: Int) -> GaussianMixture {
        GaussianMixture(components: [
            Component(
                weight: 1, mean: Array(repeating: 0, count: dimension),
                standardDeviations: Array(repeating: 1, count: dimension))
        ])
    }

    // MARK: Evaluation

    /// Log-density and the responsibilities r_k(x) = w_k N_k(x) / rho(x); also the per-component Sigma_k^-1 (x - mu_k).
    /// Shared by the score, the log-density and `LogDensityCurvature`.
    func evaluate(at point: [Double]) -> (
        logDensity: Double, responsibilities: [Double], precisionTimesDeviations: [[Double]]
    ) {
        precondition(
            point.count == dimension, "GaussianMixture: point has \(point.count) coordinates, mixture is \(dimension)-D"
        )
        var logTerms = [Double](repeating: 0, count: components.count)
        var precisionTimesDeviations = [[Double]](repeating: [], count: components.count)
        for (index, component) in components.enumerated() {
            logTerms[index] =
                Foundation.log(component.weight)
                + component.logDensity(at: point, precisionTimesDeviation: &precisionTimesDeviations[index])
        }
        let largest = logTerms.max()!
        if largest == -.infinity {
            return (
                -.infinity, Array(repeating: 1 / Double(components.count), count: components.count),
                precisionTimesDeviations
            )
        }
        let sum = logTerms.reduce(0) { $0 + Foundation.exp($1 - largest) }
        let logDensity = largest + Foundation.log(sum)
        return (logDensity, logTerms.map { Foundation.exp($0 - logDensity) }, precisionTimesDeviations)
    }

    /// rho(x).
    public func density(at point: [Double]) -> Double { Foundation.exp(logDensity(at: point)) }

    /// log rho(x), by log-sum-exp over components.
    public func logDensity(at point: [Double]) -> Double { evaluate(at: point).logDensity }

    /// The score grad log rho(x) = -sum_k r_k(x) Sigma_k^-1 (x - mu_k).
    public func score(at point: [Double]) -> [Double] {
        let evaluation = evaluate(at: point)
        var result = [Double](repeating: 0, count: dimension)
        for index in components.indices {
            for axis in 0..<dimension {
                result[axis] -= evaluation.responsibilities[index] * evaluation.precisionTimesDeviations[index][axis]
            }
        }
        return result
    }

    /// The responsibilities r_k(x).
    public func responsibilities(at point: [Double]) -> [Double] { evaluate(at: point).responsibilities }

    /// The mixture mean sum_k w_k mu_k.
    public var mean: [Double] {
        (0..<dimension).map { axis in components.reduce(0) { $0 + $1.weight * $1.mean[axis] } }
    }

    /// The mixture covariance sum_k w_k (Sigma_k + mu_k mu_k^T) - mean mean^T, row-major.
    public var covariance: [Double] {
        let center = mean
        var result = [Double](repeating: 0, count: dimension * dimension)
        for component in components {
            for row in 0..<dimension {
                for column in 0..<dimension {
                    result[row * dimension + column] +=
                        component.weight
                        * (component.covariance[row * dimension + column]
                            + component.mean[row] * component.mean[column])
                }
            }
        }
        for row in 0..<dimension {
            for column in 0..<dimension { result[row * dimension + column] -= center[row] * center[column] }
        }
        return result
    }

    // MARK: Evolution under a linear SDE

    /// The law at time t of X_t = m X_0 + sqrt(v) eps when X_0 has this law: sum_k w_k N(m mu_k, m^2 Sigma_k + v I).
    public func evolved(under model: LinearSDE, from startTime: Double = 0, to endTime: Double) -> GaussianMixture {
        let scale = model.meanScale(from: startTime, to: endTime)
        let spread = model.variance(from: startTime, to: endTime)
        return transformed(scale: scale, addedVariance: spread)
    }

    /// The law of m X + sqrt(v) eps.
    public func transformed(scale: Double, addedVariance: Double) -> GaussianMixture {
        GaussianMixture(
            components: components.map { component in
                var covariance = component.covariance.map { $0 * scale * scale }
                for axis in 0..<dimension { covariance[axis * dimension + axis] += addedVariance }
                return Component(
                    weight: component.weight, mean: component.mean.map { $0 * scale }, covariance: covariance)
            })
    }

    /// The posterior mean <X0>(x, t) = E[X_0 | X_t = x] when X_0 has this law and X_t follows `model`:
    /// sum_k r_k(x) [mu_k + m Sigma_k S_k^-1 (x - m mu_k)], S_k = m^2 Sigma_k + v I, r_k under the law at t.
    public func posteriorMean(at point: [Double], time: Double, under model: LinearSDE) -> [Double] {
        let scale = model.meanScale(to: time)
        let evolvedMixture = evolved(under: model, to: time)
        let evaluation = evolvedMixture.evaluate(at: point)
        var result = [Double](repeating: 0, count: dimension)
        for (index, component) in components.enumerated() {
            let gain = evaluation.precisionTimesDeviations[index] // S_k^-1 (x - m mu_k)
            for row in 0..<dimension {
                var correction = 0.0
                for column in 0..<dimension {
                    correction += component.covariance[row * dimension + column] * gain[column]
                }
                result[row] += evaluation.responsibilities[index] * (component.mean[row] + scale * correction)
            }
        }
        return result
    }

    // MARK: Sampling

    /// `count` independent draws, flat (point j at entries j d ..< (j + 1) d). Component by inverse CDF of the
    /// weights, then mu + L z with z standard normal (polar Box–Muller).
    public func sample<Generator: RandomNumberGenerator>(count: Int, using generator: inout Generator) -> [Double] {
        var result = [Double](repeating: 0, count: count * dimension)
        var cumulative = [Double]()
        var running = 0.0
        for component in components {
            running += component.weight
            cumulative.append(running)
        }
        var normals = [Double](repeating: 0, count: dimension)
        for sampleIndex in 0..<count {
            let uniform = Double.random(in: 0..<running, using: &generator)
            let componentIndex = cumulative.firstIndex { uniform < $0 } ?? components.count - 1
            let component = components[componentIndex]
            for axis in 0..<dimension { normals[axis] = StandardNormal.draw(using: &generator) }
            for row in 0..<dimension {
                var value = component.mean[row]
                for column in 0...row { value += component.choleskyFactor[row * dimension + column] * normals[column] }
                result[sampleIndex * dimension + row] = value
            }
        }
        return result
    }
}

/// Standard normal draws by the polar Box–Muller method (oracle sampling; the particle core has its own).
enum StandardNormal {
    static func draw<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Double {
        while true {
            let first = Double.random(in: -1..<1, using: &generator)
            let second = Double.random(in: -1..<1, using: &generator)
            let radiusSquared = first * first + second * second
            if radiusSquared > 0 && radiusSquared < 1 {
                return first * (-2 * Foundation.log(radiusSquared) / radiusSquared).squareRoot()
            }
        }
    }
}

/// Small dense linear algebra for d x d covariances (d is 1 to a few): Cholesky, triangular solves and the
/// inverse of a positive definite matrix, O(d^3). Row-major storage throughout.
public enum DenseAlgebra {
    /// Sigma^-1 and log det Sigma of a symmetric positive definite matrix, through its Cholesky factor L:
    /// Sigma^-1 = L^-T L^-1 (columns by two triangular solves), log det = 2 sum log L_ii. Nil when the matrix is
    /// not positive definite.
    public static func positiveDefiniteInverse(_ matrix: [Double], dimension: Int) -> (
        inverse: [Double], logDeterminant: Double
    )? {
        guard let factor = cholesky(matrix, dimension: dimension) else { return nil }
        var inverse = [Double](repeating: 0, count: dimension * dimension)
        for column in 0..<dimension {
            var unit = [Double](repeating: 0, count: dimension)
            unit[column] = 1
            let solution = solveUpperTransposed(
                factor, solveLower(factor, unit, dimension: dimension), dimension: dimension)
            for row in 0..<dimension { inverse[row * dimension + column] = solution[row] }
        }
        let logDeterminant = (0..<dimension).reduce(0) { $0 + 2 * Foundation.log(factor[$1 * dimension + $1]) }
        return (inverse, logDeterminant)
    }

    /// Lower Cholesky factor L with L L^T = matrix, or nil when the matrix is not positive definite.
    public static func cholesky(_ matrix: [Double], dimension: Int) -> [Double]? {
        var factor = [Double](repeating: 0, count: dimension * dimension)
        for row in 0..<dimension {
            for column in 0...row {
                var sum = matrix[row * dimension + column]
                for inner in 0..<column { sum -= factor[row * dimension + inner] * factor[column * dimension + inner] }
                if row == column {
                    guard sum > 0, sum.isFinite else { return nil }
                    factor[row * dimension + row] = sum.squareRoot()
                } else {
                    factor[row * dimension + column] = sum / factor[column * dimension + column]
                }
            }
        }
        return factor
    }

    /// Solves L y = b.
    public static func solveLower(_ factor: [Double], _ rightHandSide: [Double], dimension: Int) -> [Double] {
        var solution = rightHandSide
        for row in 0..<dimension {
            var sum = solution[row]
            for column in 0..<row { sum -= factor[row * dimension + column] * solution[column] }
            solution[row] = sum / factor[row * dimension + row]
        }
        return solution
    }

    /// Solves L^T x = y.
    public static func solveUpperTransposed(_ factor: [Double], _ rightHandSide: [Double], dimension: Int) -> [Double] {
        var solution = rightHandSide
        for row in stride(from: dimension - 1, through: 0, by: -1) {
            var sum = solution[row]
            for column in (row + 1)..<max(dimension, row + 1) {
                sum -= factor[column * dimension + row] * solution[column]
            }
            solution[row] = sum / factor[row * dimension + row]
        }
        return solution
    }
}

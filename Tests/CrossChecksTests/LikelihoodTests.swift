import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Testing

@testable import CrossChecks

/// The probability-flow likelihood against the exact log-density of the mixture oracle (`GaussianMixture.logDensity`,
/// log-sum-exp of the components: no ODE), against the closed form of a Gaussian datum, against the known order of
/// RK4 and the tolerance of Dormand–Prince, against the closed-form variances of Hutchinson's probes, and against
/// the Jensen bound of dequantized bits per dimension.
@Suite struct LikelihoodTests {
    static let oneDimensional = GaussianMixture.paperOneDimensional
    static let twoDimensional = GaussianMixture.correlatedTwoDimensional
    static let threeDimensional = GaussianMixture.correlatedThreeDimensional
    static let ornsteinUhlenbeck = LinearSDE.ornsteinUhlenbeck
    static let variancePreserving = LinearSDE.variancePreserving()

    static func run(
        _ mixture: GaussianMixture, _ model: LinearSDE, points: [[Double]], horizon: Double,
        integrator: LikelihoodIntegrator, divergence: DivergenceEstimator = .exact, prior: LikelihoodPrior = .exact,
        seed: UInt64 = 1, threads: Int = 1
    ) throws -> LikelihoodOutcome {
        let problem = LikelihoodProblem(
            dataLaw: mixture, model: model, points: points, horizon: horizon, prior: prior)
        let method = LikelihoodMethod(integrator: integrator, divergence: divergence)
        return try LikelihoodRun(problem: problem, method: method, seed: seed, threads: threads).execute()
    }
}

// MARK: The exact divergence against the oracle

extension LikelihoodTests {
    static let cases:
        [(name: String, mixture: GaussianMixture, model: LinearSDE, horizon: Double, points: [[Double]])] =
            [
                ("1-D OU", oneDimensional, ornsteinUhlenbeck, 2, [[-2.1], [0.0], [1.3]]),
                ("1-D VP", oneDimensional, variancePreserving, 1, [[-2.1], [0.0], [1.3]]),
                ("2-D OU", twoDimensional, ornsteinUhlenbeck, 2, [[-1, 0.4], [0.2, 0.1], [1.5, -0.5]]),
                ("2-D VP", twoDimensional, variancePreserving, 1, [[-1, 0.4], [0.2, 0.1], [1.5, -0.5]]),
            ]

    /// RK4 on K = 512 and 1024 uniform steps. With global error c K^-4, L_K - L_2K = 15 c (2K)^-4, so the error of
    /// L_2K is (L_K - L_2K) / 15; the bound is twice that plus 1e-11 (round-off of about 4000 steps), and must
    /// itself be below 1e-6 (measured errors at K = 1024: at most about 7e-8, the 1-D OU point in the steep left
    /// component, whose stiffness g^2 / (2 sigma^2) = 25 at t = 0 keeps RK4 out of its asymptotic range below K = 64).
    @Test func rungeKutta4WithTheExactDivergenceRecoversTheLogDensity() throws {
        for (name, mixture, model, horizon, points) in Self.cases {
            let coarse = try Self.run(
                mixture, model, points: points, horizon: horizon, integrator: .rungeKutta4(steps: 512))
            let fine = try Self.run(
                mixture, model, points: points, horizon: horizon, integrator: .rungeKutta4(steps: 1024))
            for (low, high) in zip(coarse.points, fine.points) {
                let error = try #require(high.error, "\(name) \(high.point): \(high.status)")
                let bound = 2 * abs(try #require(low.estimate) - high.estimate!) / 15 + 1e-11
                #expect(bound < 1e-6, "\(name) \(high.point): Richardson bound \(bound)")
                #expect(abs(error) < bound, "\(name) \(high.point): error \(error), bound \(bound)")
                #expect(high.evaluations == 4 * 1024 && high.acceptedSteps == 1024)
            }
        }
    }

    /// Dormand–Prince at rtol = atol = tol: the controller bounds the local error per step by about tol relative to
    /// the state, and the global error of log p measured over these 12 points stays below 8 tol at tol = 1e-8 and
    /// 14 tol at score_sde's 1e-5 (the 1-D OU point between the modes). The bound is 30 tol. Every attempted step
    /// costs 6 evaluations (first same as last), plus the first and the initial-step trial; a tighter tolerance
    /// costs more evaluations.
    @Test(arguments: [1e-5, 1e-8])
    func dormandPrinceWithTheExactDivergenceMeetsItsTolerance(tolerance: Double) throws {
        for (name, mixture, model, horizon, points) in Self.cases {
            let integrator = LikelihoodIntegrator.dormandPrince(
                relativeTolerance: tolerance, absoluteTolerance: tolerance)
            let outcome = try Self.run(mixture, model, points: points, horizon: horizon, integrator: integrator)
            let looser = try Self.run(
                mixture, model, points: points, horizon: horizon,
                integrator: .dormandPrince(relativeTolerance: 100 * tolerance, absoluteTolerance: 100 * tolerance))
            for (result, loose) in zip(outcome.points, looser.points) {
                let error = try #require(result.error, "\(name) \(result.point): \(result.status)")
                #expect(abs(error) < 30 * tolerance, "\(name) \(result.point): error \(error) at tol \(tolerance)")
                #expect(result.evaluations == 2 + 6 * (result.acceptedSteps + result.rejectedSteps))
                #expect(result.evaluations > loose.evaluations)
            }
        }
    }

    /// Errors of RK4 at K = 32, 64, 128, 256 (2-D VP, where the flow is smooth from K = 32 on: measured errors
    /// 3.9e-6, 2.3e-7, 1.4e-8, 8.9e-10 at the first point): the least-squares slope of log |error| against log K is
    /// -4 within 0.15, and each halving of the step divides the error by 16 within 20 %.
    @Test func rungeKutta4ErrorFallsLikeTheFourthPowerOfTheSteps() throws {
        let stepCounts = [32, 64, 128, 256]
        for point in [[-1.0, 0.4], [1.5, -0.5]] {
            let errors = try stepCounts.map { steps in
                let outcome = try Self.run(
                    Self.twoDimensional, Self.variancePreserving, points: [point], horizon: 1,
                    integrator: .rungeKutta4(steps: steps))
                return abs(try #require(outcome.points[0].error))
            }
            let xs = stepCounts.map { log(Double($0)) }
            let ys = errors.map { log($0) }
            let meanX = xs.reduce(0, +) / Double(xs.count)
            let slope =
                zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * $1.1 } / xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
            #expect(abs(-slope - 4) < 0.15, "\(point): measured order \(-slope), errors \(errors)")
            for index in 0..<(errors.count - 1) {
                #expect(abs(errors[index] / errors[index + 1] / 16 - 1) < 0.2, "\(point): \(errors)")
            }
        }
    }

    /// rho_0 = N(mu, Sigma): log p_0 is the Gaussian's closed form (2 x 2 inverse and determinant written out), and
    /// rho_T = N(m mu, m^2 Sigma + v I) gives the standard-normal prior's bias log rho_T(x_T) - log gamma(x_T) in
    /// closed form too. With N(0, I) at T the estimate moves by exactly minus that bias (same path, other end law).
    @Test func gaussianDatumGivesTheClosedForm() throws {
        let mean = [0.5, -0.3]
        let covariance = [0.6, 0.25, 0.25, 0.4]
        let datum = GaussianMixture(components: [.init(weight: 1, mean: mean, covariance: covariance)])
        func logNormal(_ x: [Double], mean: [Double], _ c: [Double]) -> Double {
            let determinant = c[0] * c[3] - c[1] * c[2]
            let (u, w) = (x[0] - mean[0], x[1] - mean[1])
            let quadratic = (c[3] * u * u - 2 * c[1] * u * w + c[0] * w * w) / determinant
            return -0.5 * (2 * log(2 * Double.pi) + log(determinant) + quadratic)
        }
        let points = [[0.0, 0.0], [1.4, 0.2], [-0.7, -1.1]]
        let horizon = 4.0
        let tolerance = 1e-8
        let integrator = LikelihoodIntegrator.dormandPrince(relativeTolerance: tolerance, absoluteTolerance: tolerance)
        let exact = try Self.run(
            datum, Self.ornsteinUhlenbeck, points: points, horizon: horizon, integrator: integrator)
        let standard = try Self.run(
            datum, Self.ornsteinUhlenbeck, points: points, horizon: horizon, integrator: integrator,
            prior: .standardNormal)
        let (scale, spread) = (exp(-horizon), -expm1(-2 * horizon))
        let endCovariance = [
            scale * scale * covariance[0] + spread, scale * scale * covariance[1], scale * scale * covariance[2],
            scale * scale * covariance[3] + spread,
        ]
        for (withExact, withStandard) in zip(exact.points, standard.points) {
            let closedForm = logNormal(withExact.point, mean: mean, covariance)
            let estimate = try #require(withExact.estimate)
            #expect(abs(estimate - closedForm) < 30 * tolerance, "\(withExact.point): \(estimate) vs \(closedForm)")
            let end = try #require(withExact.endPoint)
            let bias =
                logNormal(end, mean: mean.map { $0 * scale }, endCovariance)
                - logNormal(end, mean: [0, 0], [1, 0, 0, 1])
            let reported = try #require(withExact.priorBias)
            #expect(abs(reported - bias) < 1e-12, "\(reported) vs \(bias)")
            #expect(abs(try #require(withStandard.estimate) - (estimate - bias)) < 1e-12)
            #expect(abs(bias) < 0.1, "at T = 4 the bias is of the size of m = e^-4: \(bias)")
        }
    }
}

// MARK: Hutchinson's estimator

extension LikelihoodTests {
    /// The Jacobian A = dF/dx = f I - (1/2) g^2 H at one (x, t), H by central differences of the mixture's score
    /// (step 1e-5, error about 1e-9, symmetrized): independent of the Hessian forms the estimator uses.
    static func jacobian(_ flow: ProbabilityFlowODE, at point: [Double], time: Double) -> [Double] {
        let law = flow.dataLaw.evolved(under: flow.model, to: time)
        let dimension = point.count
        let step = 1e-5
        var hessian = [Double](repeating: 0, count: dimension * dimension)
        for column in 0..<dimension {
            var (forward, backward) = (point, point)
            forward[column] += step
            backward[column] -= step
            let (high, low) = (law.score(at: forward), law.score(at: backward))
            for row in 0..<dimension { hessian[row * dimension + column] = (high[row] - low[row]) / (2 * step) }
        }
        let (rate, scale) = (flow.model.driftRate(at: time), flow.model.diffusionScale(at: time))
        return (0..<(dimension * dimension)).map { index in
            let (row, column) = (index / dimension, index % dimension)
            let symmetric = 0.5 * (hessian[index] + hessian[column * dimension + row])
            return (row == column ? rate : 0) - 0.5 * scale * scale * symmetric
        }
    }

    /// 20000 single probes at a fixed (x, t) (2-D under OU, 3-D under VP): their mean is within 4 SE of the exact
    /// div F, and their sample variance within 4 SE of Var(e^T A e) = 2 ||A||_F^2 (Gaussian) or
    /// 2 (||A||_F^2 - sum A_ii^2) (Rademacher). The SE of a sample variance s^2 of n draws is
    /// sqrt((m4 - s^4 (n - 3) / (n - 1)) / n), m4 the fourth central moment (exact for any law; in 2-D the Rademacher
    /// values take two values, m4 = s^4, and the SE is s^2 sqrt(2) / n, not 0).
    @Test(arguments: ProbeDistribution.allCases)
    func singleProbesHaveTheExactMeanAndTheClosedFormVariance(distribution: ProbeDistribution) throws {
        let cases: [(flow: ProbabilityFlowODE, point: [Double], time: Double)] = [
            (ProbabilityFlowODE(model: Self.ornsteinUhlenbeck, dataLaw: Self.twoDimensional), [0.2, 0.1], 0.1),
            (ProbabilityFlowODE(model: Self.ornsteinUhlenbeck, dataLaw: Self.twoDimensional), [-0.8, 0.6], 0.5),
            (
                ProbabilityFlowODE(model: Self.variancePreserving, dataLaw: Self.threeDimensional), [0.3, -0.2, 0.5],
                0.2
            ),
        ]
        for (flow, point, time) in cases {
            let (count, dimension) = (20_000, point.count)
            var generator = Xoshiro256StarStar(seed: 3)
            let probes = (0..<count).map { _ in distribution.draw(dimension: dimension, using: &generator) }
            let exact = try #require(flow.velocityAndDivergence(at: point, time: time, probes: nil)).divergence
            let law = try #require(flow.law(at: time))
            let forms = law.derivatives(at: point, directions: probes).hessianQuadraticForms
            let (rate, scale) = (flow.model.driftRate(at: time), flow.model.diffusionScale(at: time))
            let values = zip(probes, forms).map { probe, form in
                rate * probe.reduce(0) { $0 + $1 * $1 } - 0.5 * scale * scale * form
            }
            // The flow's own averaging over the first probes is this mean.
            let averaged = try #require(
                flow.velocityAndDivergence(at: point, time: time, probes: Array(probes[0..<10])))
            let firstMean = values[0..<10].reduce(0, +) / 10
            #expect(abs(averaged.divergence - firstMean) < 1e-12 * max(1, abs(firstMean)))
            let size = Double(count)
            let mean = values.reduce(0, +) / size
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (size - 1)
            let fourth = values.reduce(0) { $0 + pow($1 - mean, 4) } / size
            #expect(abs(mean - exact) < 4 * (variance / size).squareRoot(), "\(point): \(mean) vs \(exact)")
            let expected = distribution.quadraticFormVariance(
                of: Self.jacobian(flow, at: point, time: time), dimension: dimension)
            let varianceError = (max(fourth - variance * variance * (size - 3) / (size - 1), 0) / size).squareRoot()
            #expect(
                abs(variance - expected) < 4 * varianceError, "\(distribution) \(point): \(variance) vs \(expected)")
            #expect(expected > 0.01, "a non-trivial Jacobian: \(expected)")
        }
    }

    /// The Rademacher variance is the Gaussian one less the diagonal's share (closed forms, a fixed symmetric A).
    @Test func probeVarianceClosedForms() {
        let matrix = [2.0, -0.5, 0.3, -0.5, 1.0, 0.7, 0.3, 0.7, -1.5]
        let squaredFrobenius = 4 + 0.25 + 0.09 + 0.25 + 1 + 0.49 + 0.09 + 0.49 + 2.25
        #expect(
            abs(ProbeDistribution.gaussian.quadraticFormVariance(of: matrix, dimension: 3) - 2 * squaredFrobenius)
                < 1e-12)
        let offDiagonal = 2 * (0.25 + 0.09 + 0.49)
        #expect(
            abs(ProbeDistribution.rademacher.quadraticFormVariance(of: matrix, dimension: 3) - 2 * offDiagonal) < 1e-12)
    }

    /// The whole likelihood with K probes fixed per trajectory, over 400 trajectories from one point (each its own
    /// stream): the path does not depend on the probes, so the mean is the exact-divergence estimate on the same RK4
    /// grid within 4 SE; the spread falls like K^-1/2, SE(1) / SE(10) = sqrt(10) within 25 % (the SE of a standard
    /// deviation from 400 draws is about 3.5 %); Rademacher's spread is below Gaussian's. Measured (2-D OU, T = 2):
    /// trajectory standard deviations 1.44 (Rademacher) and 1.91 (Gaussian) for K = 1, 0.47 and 0.59 for K = 10.
    @Test func hutchinsonLikelihoodIsUnbiasedAndShrinksLikeTheRootOfTheProbes() throws {
        let point = [0.2, 0.1]
        let integrator = LikelihoodIntegrator.rungeKutta4(steps: 32)
        let reference = try Self.run(
            Self.twoDimensional, Self.ornsteinUhlenbeck, points: [point], horizon: 2, integrator: integrator)
        let exact = try #require(reference.points[0].estimate)
        var spreads: [ProbeDistribution: [Int: Double]] = [:]
        for distribution in ProbeDistribution.allCases {
            for probeCount in [1, 10] {
                let outcome = try Self.run(
                    Self.twoDimensional, Self.ornsteinUhlenbeck, points: Array(repeating: point, count: 400),
                    horizon: 2, integrator: integrator,
                    divergence: .hutchinson(probeCount: probeCount, distribution: distribution))
                let estimate = try #require(MeanEstimate(outcome.points.map { $0.estimate! }))
                #expect(
                    abs(estimate.mean - exact) < 4 * estimate.standardError,
                    "\(distribution) K = \(probeCount): \(estimate.mean) vs \(exact) (SE \(estimate.standardError))")
                spreads[distribution, default: [:]][probeCount] = estimate.standardError
            }
        }
        for distribution in ProbeDistribution.allCases {
            let ratio = spreads[distribution]![1]! / spreads[distribution]![10]!
            #expect(abs(ratio / 10.0.squareRoot() - 1) < 0.25, "\(distribution): SE ratio \(ratio)")
        }
        #expect(spreads[.rademacher]![1]! < spreads[.gaussian]![1]!)
    }

    /// Per-point streams: the same seed gives the same bits with 1, 2 and 4 threads (adaptive steps, whose counts
    /// depend on the probes, included); another seed gives other estimates.
    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let points: [[Double]] = (0..<12).map { index -> [Double] in
            let offset = Double(index)
            return [-1.5 + 0.25 * offset, 0.8 - 0.1 * offset]
        }
        let integrator = LikelihoodIntegrator.dormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let divergence = DivergenceEstimator.hutchinson(probeCount: 3, distribution: .gaussian)
        let runs = try [1, 2, 4].map { threads in
            try Self.run(
                Self.twoDimensional, Self.variancePreserving, points: points, horizon: 1, integrator: integrator,
                divergence: divergence, seed: 7, threads: threads)
        }
        #expect(runs[0].completedCount == points.count)
        #expect(runs[0].points == runs[1].points && runs[0].points == runs[2].points)
        let other = try Self.run(
            Self.twoDimensional, Self.variancePreserving, points: points, horizon: 1, integrator: integrator,
            divergence: divergence, seed: 8, threads: 2)
        #expect(zip(other.points, runs[0].points).allSatisfy { $0.estimate != $1.estimate })
    }
}

// MARK: Failures and configuration

extension LikelihoodTests {
    /// A model whose drift becomes NaN after t = 0.5: both integrators end with a status and no estimate.
    @Test func nonFiniteFieldEndsWithAStatusAndNoEstimate() throws {
        let broken = LinearSDE.custom(
            name: "broken", driftRate: { $0 > 0.5 ? .nan : -1 }, diffusionScale: { _ in 2.0.squareRoot() })
        for integrator in [
            LikelihoodIntegrator.rungeKutta4(steps: 20),
            .dormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6, maximumSteps: 300),
        ] {
            let outcome = try Self.run(Self.oneDimensional, broken, points: [[0.3]], horizon: 1, integrator: integrator)
            let result = outcome.points[0]
            #expect(!result.status.isCompleted && result.estimate == nil && result.error == nil, "\(result.status)")
            #expect(result.status.time.map { $0 > 0.45 && $0 <= 0.55 } ?? false, "\(result.status)")
            #expect(outcome.meanEstimate == nil && result.exactLogDensity != nil)
        }
    }

    @Test func invalidConfigurationsThrowASentence() {
        let problem = LikelihoodProblem(
            dataLaw: Self.oneDimensional, model: Self.variancePreserving, points: [[0.0]], horizon: 1)
        #expect(throws: LikelihoodConfigurationError.self) {
            _ = try LikelihoodRun(
                problem: problem, method: LikelihoodMethod(integrator: .rungeKutta4(steps: 8, schedule: .geometric)))
        }
        #expect(throws: LikelihoodConfigurationError.self) {
            _ = try LikelihoodRun(
                problem: problem,
                method: LikelihoodMethod(divergence: .hutchinson(probeCount: 0, distribution: .rademacher)))
        }
        var wrongDimension = problem
        wrongDimension.points = [[0.0, 1.0]]
        #expect(throws: LikelihoodConfigurationError.self) {
            _ = try LikelihoodRun(problem: wrongDimension, method: LikelihoodMethod())
        }
    }

    /// From t0 > 0 a graded schedule runs (its grid reversed into increasing time) and the estimate is log rho_(t0).
    @Test func gradedScheduleFromAPositiveStartRecoversTheEvolvedLogDensity() throws {
        let problem = LikelihoodProblem(
            dataLaw: Self.oneDimensional, model: Self.variancePreserving, points: [[-1.8], [1.2]], startTime: 1e-3,
            horizon: 1)
        let method = LikelihoodMethod(integrator: .rungeKutta4(steps: 400, schedule: .logSNR))
        let outcome = try LikelihoodRun(problem: problem, method: method).execute()
        let evolved = Self.oneDimensional.evolved(under: Self.variancePreserving, to: 1e-3)
        for result in outcome.points {
            #expect(result.exactLogDensity == evolved.logDensity(at: result.point))
            #expect(abs(try #require(result.error)) < 1e-5, "\(result.point): \(result.error ?? 0)")
        }
    }
}

// MARK: Bits per dimension

extension LikelihoodTests {
    static func normalDistribution(_ value: Double) -> Double { 0.5 * erfc(-value / 2.0.squareRoot()) }

    /// The dequantized cell probability P(x) = sum_k w_k prod_i [Phi((x_i + 2^-b - mu_ki) / s_ki) - Phi((x_i - mu_ki)
    /// / s_ki)] of a mixture of diagonal components (closed form, no sampling).
    static func cellProbability(_ mixture: GaussianMixture, atom: [Double], bits: Int) -> Double {
        let width = exp2(-Double(bits))
        return mixture.components.reduce(0) { total, component in
            var product = component.weight
            for axis in atom.indices {
                let deviation = component.covariance[axis * atom.count + axis].squareRoot()
                product *=
                    normalDistribution((atom[axis] + width - component.mean[axis]) / deviation)
                    - normalDistribution((atom[axis] - component.mean[axis]) / deviation)
            }
            return total + product
        }
    }

    @Test func bitsPerDimensionOfKnownDensities() {
        // The uniform density on [0, 1)^3 (log p = 0) codes a 2^-5 grid in exactly 5 bits per dimension.
        #expect(BitsPerDimension.value(logDensity: 0, dimension: 3, bits: 5) == 5)
        // A density 2^(b d) on one cell (all mass in it) costs nothing.
        #expect(abs(BitsPerDimension.value(logDensity: 15 * M_LN2, dimension: 3, bits: 5)!) < 1e-14)
        #expect(BitsPerDimension.value(logDensity: -.infinity, dimension: 3, bits: 5) == nil)
        #expect(BitsPerDimension.value(logDensity: .nan, dimension: 3, bits: 5) == nil)
    }

    /// b = 3 (8 levels in [0, 1)), a mixture of N(j / 8, 0.002^2): at the atoms p = 1 / (8 * 0.002 sqrt(2 pi)) = 24.9 >
    /// 2^3, so bpd without dequantization is log2(8 / 24.9) = -1.64 < 0 (score_sde issue #24). Dequantized, the mean
    /// over 4000 draws of u is at least the Jensen bound -log2 P(x) (P(x) = 1/8: half of the component at x and half of
    /// the one at x + 1/8 fall in the cell), so positive.
    @Test func narrowMixtureHasNegativeBitsWithoutDequantizationOnly() throws {
        let bits = 3
        let narrow = GaussianMixture(
            components: (0..<8).map { .init(weight: 1.0 / 8, mean: [Double($0) / 8], standardDeviations: [0.002]) })
        for atom in [[0.25], [0.5], [0.75]] {
            let atAtom = try #require(
                BitsPerDimension.value(logDensity: narrow.logDensity(at: atom), dimension: 1, bits: bits))
            #expect(abs(atAtom - (3 + log2(8 * 0.002 * (2 * Double.pi).squareRoot()))) < 1e-9)
            #expect(atAtom < 0)
            let dequantized = try #require(
                BitsPerDimension.dequantizedExpectation(atom: atom, bits: bits, drawCount: 4000, seed: 5) {
                    narrow.logDensity(at: $0)
                })
            let jensen = -log2(Self.cellProbability(narrow, atom: atom, bits: bits))
            #expect(abs(jensen - 3) < 1e-6)
            #expect(dequantized.mean > jensen, "\(dequantized.mean) against the bound \(jensen)")
        }
    }

    /// A smooth 2-D density on [0, 1)^2 and b = 2: the Jensen gap is small, so the dequantized mean lies within 4 SE
    /// above -log2 P(x) / d and within 0.1 bit of it; computed through the probability flow (VP, Dormand–Prince at
    /// 1e-7, exact divergence) the mean bpd of the same draws matches the oracle's within 30 tol / (d ln 2) (the
    /// tolerance bound of the exactness test).
    @Test func dequantizedBitsThroughTheFlowMatchTheJensenBound() throws {
        let bits = 2
        let smooth = GaussianMixture(components: [
            .init(weight: 0.5, mean: [0.3, 0.6], standardDeviations: [0.25, 0.3]),
            .init(weight: 0.5, mean: [0.7, 0.3], standardDeviations: [0.3, 0.2]),
        ])
        let atoms = [[0.25, 0.5], [0.75, 0.0], [0.0, 0.75]]
        let drawsPerAtom = 60
        let points = BitsPerDimension.dequantizedPoints(atoms: atoms, bits: bits, drawsPerAtom: drawsPerAtom, seed: 9)
        #expect(points.count == atoms.count * drawsPerAtom)
        let tolerance = 1e-7
        let outcome = try Self.run(
            smooth, Self.variancePreserving, points: points, horizon: 1,
            integrator: .dormandPrince(relativeTolerance: tolerance, absoluteTolerance: tolerance), threads: 2)
        for (index, atom) in atoms.enumerated() {
            let slice = outcome.points[(index * drawsPerAtom)..<((index + 1) * drawsPerAtom)]
            #expect(slice.allSatisfy { zip($0.point, atom).allSatisfy { $0 >= $1 && $0 < $1 + 0.25 } })
            let flow = try #require(
                BitsPerDimension.average(logDensities: slice.map(\.estimate), dimension: 2, bits: bits))
            let oracle = try #require(
                BitsPerDimension.average(logDensities: slice.map(\.exactLogDensity), dimension: 2, bits: bits))
            #expect(abs(flow.mean - oracle.mean) < 30 * tolerance / (2 * M_LN2), "\(flow.mean) vs \(oracle.mean)")
            let jensen = -log2(Self.cellProbability(smooth, atom: atom, bits: bits)) / 2
            #expect(oracle.mean > jensen - 4 * oracle.standardError && oracle.mean < jensen + 0.1)
            #expect(oracle.mean > 0, "\(oracle.mean)")
        }
    }
}

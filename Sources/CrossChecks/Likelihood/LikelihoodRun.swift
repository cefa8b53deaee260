import DiffusionModels
import Foundation
import ParallelLoops
import RandomStreams

/// How log p is computed: the integrator of the augmented ODE and the divergence estimator.
public struct LikelihoodMethod: Sendable, Equatable {
    public var integrator: LikelihoodIntegrator
    public var divergence: DivergenceEstimator

    public init(integrator: LikelihoodIntegrator = .scoreSDEDefault, divergence: DivergenceEstimator = .exact) {
        self.integrator = integrator
        self.divergence = divergence
    }

    /// "dp45-1e-05-1e-05/exact".
    public var name: String { integrator.name + "/" + divergence.name }
}

/// A problem and a method that cannot run together, with a sentence a person understands.
public struct LikelihoodConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
}

/// One probability-flow likelihood computation: every point of `problem` by `method`.
///
/// For each point x0 the augmented state y = (x, l) starts at (x0, 0) at t0 and follows
/// dx/dt = F(x, t), dl/dt = div F(x, t) (exact or Hutchinson) to T; then
/// log rho_(t0)(x0) = log p_T(x_T) + l(T) (THEORY §11: d/dt log rho_t(x_t) = -div F along the flow).
///
/// Randomness: point i draws its Hutchinson probes, once for its whole trajectory, from the stream
/// `Xoshiro256StarStar(seed: seed, stream: i)` (hashed, never seed + i), so each point's result depends on the seed
/// and its index only: the same bits for every thread count. Points are spread over `threads` workers
/// (`ParallelBlocks` with one point a block).
///
/// Cost: per point, the integrator's evaluations (4 K for RK4; 6 per attempted step + 2 for Dormand–Prince) of
/// `ProbabilityFlowODE.velocityAndDivergence`, each O(K_mix d^3 + (1 + probes) K_mix d^2).
public struct LikelihoodRun: Sendable {
    public var problem: LikelihoodProblem
    public var method: LikelihoodMethod
    public var seed: UInt64
    public var threads: Int

    /// Throws when the problem or the method is invalid (a start time below 0, a horizon before it, a point of the
    /// wrong dimension, no steps, a non-positive tolerance, no probes, a graded schedule from t0 = 0).
    public init(problem: LikelihoodProblem, method: LikelihoodMethod, seed: UInt64 = 1, threads: Int = 1) throws {
        if let message = problem.problem()
            ?? method.integrator.problem(start: problem.startTime, horizon: problem.horizon)
        {
            throw LikelihoodConfigurationError(description: message)
        }
        if case .hutchinson(let probeCount, _) = method.divergence, probeCount < 1 {
            throw LikelihoodConfigurationError(description: "Hutchinson's estimator needs at least one probe.")
        }
        self.problem = problem
        self.method = method
        self.seed = seed
        self.threads = max(1, threads)
    }

    /// Every point, in the problem's order.
    public func execute() -> LikelihoodOutcome {
        let count = problem.points.count
        let (flow, startLaw, endLaw) = (problem.flow, problem.startLaw, problem.endLaw)
        var results = [PointLikelihood?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let shared = SharedMutablePointer(base: base)
            ParallelBlocks(count: count, blockSize: 1, threads: threads).forEach { _, range in
                for index in range {
                    shared[index] = trajectory(index, flow: flow, startLaw: startLaw, endLaw: endLaw)
                }
            }
        }
        return LikelihoodOutcome(run: self, points: results.map { $0! })
    }

    /// Point `index` alone (the same result as its entry in `execute()`).
    public func trajectory(_ index: Int) -> PointLikelihood {
        trajectory(index, flow: problem.flow, startLaw: problem.startLaw, endLaw: problem.endLaw)
    }

    func trajectory(
        _ index: Int, flow: ProbabilityFlowODE, startLaw: GaussianMixture?, endLaw: GaussianMixture?
    ) -> PointLikelihood {
        let point = problem.points[index]
        let dimension = point.count
        var generator = Xoshiro256StarStar(seed: seed, stream: UInt64(index))
        let probes = method.divergence.drawProbes(dimension: dimension, using: &generator)
        let integration = method.integrator.integrate(
            point + [0], model: problem.model, start: problem.startTime, horizon: problem.horizon
        ) { state, time in
            flow.velocityAndDivergence(at: Array(state[0..<dimension]), time: time, probes: probes).map {
                $0.velocity + [$0.divergence]
            }
        }
        let exact = startLaw?.logDensity(at: point)
        var result = PointLikelihood(
            index: index, point: point, status: integration.status,
            exactLogDensity: exact.flatMap { $0.isFinite ? $0 : nil },
            evaluations: integration.evaluations, acceptedSteps: integration.acceptedSteps,
            rejectedSteps: integration.rejectedSteps)
        guard integration.status == .completed else { return result }
        let end = Array(integration.state[0..<dimension])
        let divergenceIntegral = integration.state[dimension]
        guard let priorLogDensity = problem.prior.logDensity(at: end, endLaw: endLaw),
            (priorLogDensity + divergenceIntegral).isFinite
        else {
            result.status = .nonFinite(time: problem.horizon, step: integration.acceptedSteps)
            return result
        }
        result.endPoint = end
        result.divergenceIntegral = divergenceIntegral
        result.priorLogDensity = priorLogDensity
        result.estimate = priorLogDensity + divergenceIntegral
        if let endLaw {
            let bias = endLaw.logDensity(at: end) - StandardNormalLaw.logDensity(at: end)
            result.priorBias = bias.isFinite ? bias : nil
        }
        return result
    }
}

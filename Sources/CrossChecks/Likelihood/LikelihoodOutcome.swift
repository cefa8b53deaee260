import Foundation

/// How one point's integration ended. A point that did not complete carries no estimate.
public enum LikelihoodStatus: Sendable, Equatable, CustomStringConvertible {
    case completed
    /// The state, a derivative or the final log p became NaN or infinite in step `step` ending at `time`.
    case nonFinite(time: Double, step: Int)
    /// The adaptive integrator used its `maximumSteps` attempts and stopped at `time` before T.
    case stepLimitReached(time: Double, steps: Int)
    /// The adaptive step fell below ten units in the last place of t at `time` (attempt `step`).
    case stepSizeUnderflow(time: Double, step: Int)

    public var isCompleted: Bool { self == .completed }

    /// The time the integration stopped at (nil when it completed).
    public var time: Double? {
        switch self {
        case .completed: return nil
        case .nonFinite(let time, _), .stepLimitReached(let time, _), .stepSizeUnderflow(let time, _): return time
        }
    }

    /// "completed", "non-finite at t = 0.5 (step 12)", ...
    public var description: String {
        func format(_ value: Double) -> String { String(format: "%.6g", value) }
        switch self {
        case .completed: return "completed"
        case .nonFinite(let time, let step): return "non-finite at t = \(format(time)) (step \(step))"
        case .stepLimitReached(let time, let steps): return "step limit \(steps) reached at t = \(format(time))"
        case .stepSizeUnderflow(let time, let step): return "step size underflow at t = \(format(time)) (step \(step))"
        }
    }
}

/// One point's result. Numbers are nil where they do not exist (a run that did not complete, a log-density that is
/// not finite), never NaN.
public struct PointLikelihood: Sendable, Equatable {
    public var index: Int
    /// x0.
    public var point: [Double]
    public var status: LikelihoodStatus
    /// The estimate of log rho_(t0)(x0) = log p_T(x_T) + int_(t0)^T div F dt (nil unless completed).
    public var estimate: Double?
    /// The exact log rho_(t0)(x0) of the mixture (`GaussianMixture.logDensity`; nil when not finite).
    public var exactLogDensity: Double?
    /// x_T, the end of the flow.
    public var endPoint: [Double]?
    /// int_(t0)^T div F dt along the path (estimated with Hutchinson probes).
    public var divergenceIntegral: Double?
    /// log p_T(x_T) under the problem's prior.
    public var priorLogDensity: Double?
    /// log rho_T(x_T) - log gamma(x_T): what replacing the exact end law by N(0, I) subtracts from the estimate.
    public var priorBias: Double?
    /// Evaluations of (F, div F).
    public var evaluations: Int
    public var acceptedSteps: Int
    public var rejectedSteps: Int

    public init(
        index: Int, point: [Double], status: LikelihoodStatus, estimate: Double? = nil, exactLogDensity: Double?,
        endPoint: [Double]? = nil, divergenceIntegral: Double? = nil, priorLogDensity: Double? = nil,
        priorBias: Double? = nil, evaluations: Int, acceptedSteps: Int, rejectedSteps: Int
    ) {
        self.index = index
        self.point = point
        self.status = status
        self.estimate = estimate
        self.exactLogDensity = exactLogDensity
        self.endPoint = endPoint
        self.divergenceIntegral = divergenceIntegral
        self.priorLogDensity = priorLogDensity
        self.priorBias = priorBias
        self.evaluations = evaluations
        self.acceptedSteps = acceptedSteps
        self.rejectedSteps = rejectedSteps
    }

    /// estimate - exact, nil unless both exist.
    public var error: Double? {
        guard let estimate, let exactLogDensity else { return nil }
        return estimate - exactLogDensity
    }
}

/// Every point of a run, with summaries over the completed ones.
public struct LikelihoodOutcome: Sendable {
    public var run: LikelihoodRun
    public var points: [PointLikelihood]

    public var completedCount: Int { points.filter(\.status.isCompleted).count }

    /// The mean estimate over the completed points (nil when none completed).
    public var meanEstimate: Double? {
        let estimates = points.compactMap(\.estimate)
        return estimates.isEmpty ? nil : estimates.reduce(0, +) / Double(estimates.count)
    }

    /// The largest |estimate - exact| over the points that have both (nil when none has).
    public var largestAbsoluteError: Double? { points.compactMap(\.error).map(abs).max() }

    /// Evaluations of (F, div F) over all points.
    public var totalEvaluations: Int { points.reduce(0) { $0 + $1.evaluations } }
}

import DiffusionModels
import Foundation
import ParticleSampling

/// How the augmented state (x, int div F) is carried from t0 to T.
///
/// - `rungeKutta4`: classical fourth-order Runge–Kutta on K steps spaced by a `StepSchedule` between t0 and T,
///   4 K evaluations of (F, div F), global error O(K^-4) for smooth coefficients. `uniform` works from t0 = 0;
///   every other schedule is a spacing of times in (0, T] (the reverse sampler's grid from T to t0, run in increasing
///   time) and needs t0 > 0.
/// - `dormandPrince`: the adaptive Dormand–Prince 5(4) pair (Dormand and Prince 1980; the scheme of scipy's RK45,
///   which score_sde's likelihood uses with rtol = atol = 1e-5): 7 stages, first-same-as-last, so 6 evaluations
///   per attempted step; the fifth-order solution is kept and the embedded fourth-order one gives the error
///   estimate. A step is accepted when the RMS norm of err_i / (atol + rtol max(|y_i|, |y_new,i|)) over all d + 1
///   components is at most 1; the next step is h (0.9 / norm^(1/5)) clipped to [0.2 h, 10 h] (no growth right after
///   a rejection). The first step is chosen as scipy does (Hairer, Nørsett and Wanner, II.4), which costs one
///   more evaluation. The integration stops with a status after `maximumSteps` attempts or when the step falls below
///   ten units in the last place of t.
public enum LikelihoodIntegrator: Sendable, Equatable {
    case rungeKutta4(steps: Int, schedule: StepSchedule = .uniform)
    case dormandPrince(relativeTolerance: Double, absoluteTolerance: Double, maximumSteps: Int = 100_000)

    /// score_sde's setting: RK45 with rtol = atol = 1e-5.
    public static let scoreSDEDefault = LikelihoodIntegrator.dormandPrince(
        relativeTolerance: 1e-5, absoluteTolerance: 1e-5)

    /// "rk4-uniform-64", "dp45-1e-05-1e-05".
    public var name: String {
        switch self {
        case .rungeKutta4(let steps, let schedule): return "rk4-\(schedule.rawValue)-\(steps)"
        case .dormandPrince(let relative, let absolute, _):
            return "dp45-" + String(format: "%.3g", relative) + "-" + String(format: "%.3g", absolute)
        }
    }

    /// A sentence saying why this integrator cannot run from `start` to `horizon`, nil when it can.
    func problem(start: Double, horizon: Double) -> String? {
        switch self {
        case .rungeKutta4(let steps, let schedule):
            if steps < 1 { return "Runge–Kutta 4 needs at least one step (got \(steps))." }
            if schedule != .uniform && !(start > 0) {
                return "The \(schedule.rawValue) schedule spaces times in (0, T]; start at t0 > 0 or use uniform."
            }
        case .dormandPrince(let relative, let absolute, let maximumSteps):
            if !(relative > 0 && absolute > 0 && relative.isFinite && absolute.isFinite) {
                return "Dormand–Prince needs positive finite tolerances (got rtol \(relative), atol \(absolute))."
            }
            if maximumSteps < 1 { return "Dormand–Prince needs a step limit of at least one (got \(maximumSteps))." }
        }
        return nil
    }

    /// The increasing grid t0 < t_1 < ... < t_K = T of `rungeKutta4` (nil for `dormandPrince`).
    public func timeGrid(model: LinearSDE, start: Double, horizon: Double) -> TimeGrid? {
        guard case .rungeKutta4(let steps, let schedule) = self else { return nil }
        if schedule == .uniform { return .uniform(from: start, to: horizon, steps: steps) }
        let reverse = schedule.timeGrid(model: model, from: horizon, to: start, steps: steps)
        return TimeGrid(times: reverse.times.reversed())
    }

    /// Integrates dy/dt = `derivative(y, t)` from `start` to `horizon`; `derivative` returns nil where the field is
    /// not finite.
    func integrate(
        _ initial: [Double], model: LinearSDE, start: Double, horizon: Double,
        derivative: ([Double], Double) -> [Double]?
    ) -> IntegrationResult {
        switch self {
        case .rungeKutta4:
            return RungeKutta4Stepper.integrate(
                initial, grid: timeGrid(model: model, start: start, horizon: horizon)!, derivative: derivative)
        case .dormandPrince(let relative, let absolute, let maximumSteps):
            return DormandPrinceStepper(
                relativeTolerance: relative, absoluteTolerance: absolute, maximumSteps: maximumSteps
            ).integrate(initial, start: start, end: horizon, derivative: derivative)
        }
    }
}

/// How one integration ended: the state at T (when it got there) and the work it took.
struct IntegrationResult {
    var state: [Double]
    var status: LikelihoodStatus
    var evaluations: Int
    var acceptedSteps: Int
    var rejectedSteps: Int
}

/// True when the values exist and every entry is finite.
func allFinite(_ values: [Double]?) -> Bool { values?.allSatisfy(\.isFinite) ?? false }

/// y + h sum_i c_i k_i.
func combine(_ state: [Double], _ step: Double, _ terms: [(Double, [Double])]) -> [Double] {
    var result = state
    for (coefficient, slope) in terms where coefficient != 0 {
        let scaled = step * coefficient
        for index in result.indices { result[index] += scaled * slope[index] }
    }
    return result
}

/// Classical RK4 on a given grid: y_(n+1) = y_n + h (k1 + 2 k2 + 2 k3 + k4) / 6.
enum RungeKutta4Stepper {
    static func integrate(_ initial: [Double], grid: TimeGrid, derivative: ([Double], Double) -> [Double]?)
        -> IntegrationResult
    {
        var state = initial
        var evaluations = 0
        for step in 0..<grid.stepCount {
            let (time, next) = (grid.times[step], grid.times[step + 1])
            let width = next - time
            // Stage j sits at t + c_j h and starts from y + c_j h k_(j-1), c = (0, 1/2, 1/2, 1).
            var slopes: [[Double]] = []
            for fraction in [0.0, 0.5, 0.5, 1.0] {
                let stageState = slopes.last.map { combine(state, fraction * width, [(1, $0)]) } ?? state
                let stageTime = fraction == 1 ? next : time + fraction * width
                evaluations += 1
                guard let slope = derivative(stageState, stageTime), allFinite(slope) else { break }
                slopes.append(slope)
            }
            if slopes.count == 4 {
                state = combine(state, width / 6, [(1, slopes[0]), (2, slopes[1]), (2, slopes[2]), (1, slopes[3])])
            }
            if slopes.count < 4 || !allFinite(state) {
                return IntegrationResult(
                    state: state, status: .nonFinite(time: next, step: step + 1), evaluations: evaluations,
                    acceptedSteps: step, rejectedSteps: 0)
            }
        }
        return IntegrationResult(
            state: state, status: .completed, evaluations: evaluations, acceptedSteps: grid.stepCount,
            rejectedSteps: 0)
    }
}

/// The Dormand–Prince 5(4) pair with scipy's RK45 controller (see `LikelihoodIntegrator.dormandPrince`).
struct DormandPrinceStepper {
    var relativeTolerance: Double
    var absoluteTolerance: Double
    var maximumSteps: Int

    static let nodes: [Double] = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1]
    static let stageCoefficients: [[Double]] = [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
    ]
    /// The fifth-order weights (also the seventh stage's row: first same as last).
    static let solutionWeights: [Double] = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84]
    /// Fifth- minus fourth-order weights over the seven stages.
    static let errorWeights: [Double] = [
        -71.0 / 57600, 0, 71.0 / 16695, -71.0 / 1920, 17253.0 / 339200, -22.0 / 525, 1.0 / 40,
    ]
    static let safety = 0.9
    static let minimumFactor = 0.2
    static let maximumFactor = 10.0

    /// sqrt(mean_i (v_i / scale_i)^2).
    static func rootMeanSquare(_ values: [Double], over scales: [Double]) -> Double {
        var total = 0.0
        for index in values.indices {
            let ratio = values[index] / scales[index]
            total += ratio * ratio
        }
        return (total / Double(values.count)).squareRoot()
    }

    /// scipy's `select_initial_step` for an error estimator of order 4.
    func initialStep(
        _ state: [Double], slope: [Double], start: Double, end: Double, evaluations: inout Int,
        derivative: ([Double], Double) -> [Double]?
    ) -> Double {
        let interval = end - start
        let scales = state.map { absoluteTolerance + abs($0) * relativeTolerance }
        let stateNorm = Self.rootMeanSquare(state, over: scales)
        let slopeNorm = Self.rootMeanSquare(slope, over: scales)
        let trial = stateNorm < 1e-5 || slopeNorm < 1e-5 ? 1e-6 : 0.01 * stateNorm / slopeNorm
        evaluations += 1
        guard let trialSlope = derivative(combine(state, trial, [(1, slope)]), start + trial), allFinite(trialSlope)
        else { return min(trial, interval) }
        let curvatureNorm =
            Self.rootMeanSquare(zip(trialSlope, slope).map { $0 - $1 }, over: scales) / trial
        let proposal =
            slopeNorm <= 1e-15 && curvatureNorm <= 1e-15
            ? max(1e-6, trial * 1e-3) : Foundation.pow(0.01 / max(slopeNorm, curvatureNorm), 1.0 / 5)
        return min(100 * trial, proposal, interval)
    }

    func integrate(_ initial: [Double], start: Double, end: Double, derivative: ([Double], Double) -> [Double]?)
        -> IntegrationResult
    {
        var state = initial
        var time = start
        let firstSlope = derivative(state, time)
        var evaluations = 1
        var (accepted, rejected) = (0, 0)
        func ending(_ status: LikelihoodStatus) -> IntegrationResult {
            IntegrationResult(
                state: state, status: status, evaluations: evaluations, acceptedSteps: accepted,
                rejectedSteps: rejected)
        }
        guard let firstSlope, allFinite(firstSlope) else { return ending(.nonFinite(time: time, step: 0)) }
        var slope = firstSlope
        var step = initialStep(
            state, slope: slope, start: start, end: end, evaluations: &evaluations, derivative: derivative)
        while time < end {
            var rejectedBefore = false
            while true {
                if accepted + rejected >= maximumSteps {
                    return ending(.stepLimitReached(time: time, steps: maximumSteps))
                }
                let smallest = 10 * (time.nextUp - time)
                if step < smallest { return ending(.stepSizeUnderflow(time: time, step: accepted + rejected + 1)) }
                let width = min(step, end - time)
                let next = width == end - time ? end : time + width
                var stages: [[Double]] = [slope]
                var finite = true
                for stage in 1..<6 {
                    let terms = (0..<stage).map { (Self.stageCoefficients[stage][$0], stages[$0]) }
                    evaluations += 1
                    guard let value = derivative(combine(state, width, terms), time + Self.nodes[stage] * width),
                        allFinite(value)
                    else {
                        finite = false
                        break
                    }
                    stages.append(value)
                }
                var candidate = state
                var errorNorm = Double.infinity
                if finite {
                    candidate = combine(state, width, zip(Self.solutionWeights, stages).map { ($0, $1) })
                    evaluations += 1
                    if let lastSlope = derivative(candidate, next), allFinite(lastSlope), allFinite(candidate) {
                        stages.append(lastSlope)
                        var error = [Double](repeating: 0, count: state.count)
                        for (weight, stageSlope) in zip(Self.errorWeights, stages) where weight != 0 {
                            for index in error.indices { error[index] += width * weight * stageSlope[index] }
                        }
                        let scales = (0..<state.count).map {
                            absoluteTolerance + max(abs(state[$0]), abs(candidate[$0])) * relativeTolerance
                        }
                        errorNorm = Self.rootMeanSquare(error, over: scales)
                    }
                }
                if errorNorm <= 1 {
                    let factor =
                        errorNorm == 0
                        ? Self.maximumFactor
                        : min(Self.maximumFactor, Self.safety * Foundation.pow(errorNorm, -1.0 / 5))
                    step = width * (rejectedBefore ? min(1, factor) : factor)
                    state = candidate
                    slope = stages[6]
                    time = next
                    accepted += 1
                    break
                }
                rejected += 1
                rejectedBefore = true
                let factor =
                    errorNorm.isFinite
                    ? max(Self.minimumFactor, Self.safety * Foundation.pow(errorNorm, -1.0 / 5)) : Self.minimumFactor
                step = width * factor
            }
        }
        return ending(.completed)
    }
}

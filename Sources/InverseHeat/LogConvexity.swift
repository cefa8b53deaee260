import Foundation

/// The log-convexity of THEORY §8 at one time: ||u(t)|| against ||u(0)||^(1 - theta) ||u(T)||^theta.
public struct LogConvexitySample: Sendable, Equatable {
    public var time: Double
    /// theta(t) (heat: t / T).
    public var fraction: Double
    public var norm: Double
    public var bound: Double
    /// (bound - norm) / bound: >= 0 when the inequality holds (up to round-off, about 1e-15).
    public var relativeSlack: Double { (bound - norm) / bound }
}

/// Checks ||u(t)|| <= ||u(0)||^(1 - theta) ||u(T)||^theta for the exact solution of a problem at `times`.
///
/// For the heat equation theta = t/T. For OU the inequality holds for the heat solution behind the density
/// (`BackwardEquation.normScale`): ||rho(t)|| <= N(t) (||rho_0|| / N(0))^(1 - theta) (||rho_T|| / N(T))^theta with
/// theta = (e^(2t) - 1)/(e^(2T) - 1). Why it holds: ||u(t)||^2 = sum_k |c_k|^2 e^(-2 |k|^2 sigma(t)) is log-convex in
/// sigma (Hölder's inequality), and sigma(t) = theta sigma(T). Norms are discrete (h^d sum u^2)^(1/2) of the exact
/// fields; for band-limited data they are exact for the trigonometric polynomial, so the check is to round-off.
public enum LogConvexity {
    public static func check(_ problem: InverseHeatProblem, times: [Double]) throws -> [LogConvexitySample] {
        let exact = try ExactSolution(problem: problem)
        let initial = exact.field(atTime: 0).normL2 / problem.normScale(atTime: 0)
        let final = exact.field(atTime: problem.finalTime).normL2 / problem.normScale(atTime: problem.finalTime)
        return times.map { time in
            let theta = problem.smoothingFraction(atTime: time)
            let bound =
                problem.normScale(atTime: time) * Foundation.pow(initial, 1 - theta) * Foundation.pow(final, theta)
            return LogConvexitySample(time: time, fraction: theta, norm: exact.field(atTime: time).normL2, bound: bound)
        }
    }
}

import Foundation

/// How a run ended, and where: one type for the run loops of the library (the grid solvers' `DensityRun`, the
/// particle sampler, the inversions, training). A run that stopped early is a status carrying its step and time,
/// never numbers printed as if it had finished.
///
/// Times are on the run's own clock (forward time t, or reverse time s for the score-guided reverse equation);
/// `description(clock:)` names it, so that no caller rewrites the text. Training has no clock (its steps are
/// updates, its non-finite status has no time).
public enum RunStatus: Sendable, Equatable, CustomStringConvertible {
    case completed
    /// A value became NaN or infinite during step `step`, which would have ended at `time` (nil for training);
    /// for particles, first for particle `particle`.
    case nonFinite(time: Double?, step: Int, particle: Int?)
    /// The mass moved by more than the allowed relative drift.
    case massDrift(time: Double, step: Int, relativeDrift: Double)
    /// The solution stopped looking like a density: its amplitude ratio exceeded the bound, the signature of an
    /// unstable step (too few steps for the drift, or a backward-in-time problem).
    case blewUp(time: Double, step: Int, amplitudeRatio: Double)
    /// The error against the known answer passed `threshold` in step `step`, ending at `time`: the measured
    /// blow-up of a naive inversion (its mode and place are the inversion's `BlowUpReport`).
    case errorExceeded(time: Double, step: Int, relativeError: Double, threshold: Double)

    /// The clock a run's times are read on.
    public enum Clock: Sendable {
        /// Forward time t.
        case forwardTime
        /// The reverse time s = T - t of the reverse-time equation.
        case reverseTime
        /// How a sentence names a time on this clock: "t", "reverse time s".
        var timeName: String {
            switch self {
            case .forwardTime: return "t"
            case .reverseTime: return "reverse time s"
            }
        }
    }

    /// A non-finite particle run: NaN or an infinity in step `step` ending at `time`, first for `particle`.
    public static func nonFinite(time: Double, step: Int, particle: Int) -> RunStatus {
        .nonFinite(time: Optional(time), step: step, particle: Optional(particle))
    }

    /// A non-finite grid run: NaN or an infinity in step `step` ending at `time`.
    public static func nonFinite(time: Double, step: Int) -> RunStatus {
        .nonFinite(time: Optional(time), step: step, particle: nil)
    }

    public var isCompleted: Bool { self == .completed }

    /// "completed", "non-finite", "mass-drift", "blew-up".
    public var name: String {
        switch self {
        case .completed: return "completed"
        case .nonFinite: return "non-finite"
        case .massDrift: return "mass-drift"
        case .blewUp, .errorExceeded: return "blew-up"
        }
    }

    /// The step the run stopped in (nil when it completed).
    public var step: Int? {
        switch self {
        case .completed: return nil
        case .nonFinite(_, let step, _), .massDrift(_, let step, _), .blewUp(_, let step, _),
            .errorExceeded(_, let step, _, _):
            return step
        }
    }

    /// The time the run stopped at, on its own clock (nil when it completed, and for training).
    public var time: Double? {
        switch self {
        case .completed: return nil
        case .nonFinite(let time, _, _): return time
        case .massDrift(let time, _, _), .blewUp(let time, _, _), .errorExceeded(let time, _, _, _): return time
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.6g", value) }

    /// The status in forward time: "completed", "non-finite at t = 0.5 (step 12)", ...
    public var description: String { description(clock: .forwardTime) }

    /// The status as a sentence with its times on `clock`: "non-finite at reverse time s = 0.5 (step 12)",
    /// "non-finite at t = 0.25 (step 3, particle 17)", "non-finite loss or parameters at update 40", ...
    public func description(clock: Clock) -> String {
        let at = "at \(clock.timeName) ="
        switch self {
        case .completed: return "completed"
        case .nonFinite(let time, let step, let particle):
            // Training has no clock: its steps are updates.
            guard let time else { return "non-finite loss or parameters at update \(step)" }
            let place = particle.map { "step \(step), particle \($0)" } ?? "step \(step)"
            return "non-finite \(at) \(Self.format(time)) (\(place))"
        case .massDrift(let time, let step, let drift):
            return "mass drift \(Self.format(drift)) \(at) \(Self.format(time)) (step \(step))"
        case .blewUp(let time, let step, let ratio):
            return "blew up \(at) \(Self.format(time)) (step \(step)): amplitude ratio \(Self.format(ratio))"
        case .errorExceeded(let time, let step, let error, let threshold):
            return "blew up \(at) \(Self.format(time)) (step \(step)): relative error \(Self.format(error)) > "
                + Self.format(threshold)
        }
    }
}

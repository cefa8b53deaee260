import DataFiles
import Foundation

/// How hard the verification runs and how strict it is.
public struct VerificationSettings: Sendable {
    /// Smaller problems and fewer particles (the whole suite in well under two minutes on two cores).
    public var quick: Bool
    public var threads: Int
    public var seed: UInt64
    /// Multiplies every tolerance. 1 in normal use; tests set it near 0 to check that claims can fail.
    public var toleranceScale: Double
    /// Receives a long claim's progress: the fraction done (0 to 1) and a short line on what it is doing.
    public var progress: (@Sendable (Double, String) -> Void)?
    /// The components under test (the library's own in normal use; a negative control plants a defect here).
    public var subjects = ClaimSubjects.library

    public init(
        quick: Bool = false, threads: Int = 1, seed: UInt64 = 1, toleranceScale: Double = 1,
        progress: (@Sendable (Double, String) -> Void)? = nil
    ) {
        self.quick = quick
        self.threads = threads
        self.seed = seed
        self.toleranceScale = toleranceScale
        self.progress = progress
    }

    /// Passes a claim's progress on, when someone listens.
    public func report(_ fraction: Double, _ detail: @autoclosure () -> String) {
        progress?(min(max(fraction, 0), 1), detail())
    }
}

/// One comparison inside a claim: what was measured, what theory predicts or bounds, and whether it holds.
public struct Check: Sendable, Equatable {
    /// What is compared, e.g. "L∞ error, 1-D, 256 cells".
    public var quantity: String
    public var measured: Double
    /// The bound or prediction in words, e.g. "≤ 1e-10" or "2 ± 0.2".
    public var expectation: String
    public var passed: Bool
    /// How `fplab verify --compare` compares `measured` with a committed value: 1e-6 relative, or a hundredth of
    /// the band the check allows (the bound, the tolerance around a target), whichever is larger.
    public var comparison: Tolerance = .reproducible

    public init(quantity: String, measured: Double, expectation: String, passed: Bool) {
        self.quantity = quantity
        self.measured = measured
        self.expectation = expectation
        self.passed = passed
    }

    init(quantity: String, measured: Double, expectation: String, passed: Bool, band: Double) {
        self.quantity = quantity
        self.measured = measured
        self.expectation = expectation
        self.passed = passed
        self.comparison = .within(relative: 1e-6, absolute: band.isFinite ? 1e-2 * abs(band) : 0)
    }

    /// measured ≤ bound (tolerance-scaled).
    public static func atMost(_ quantity: String, _ measured: Double, _ bound: Double, settings: VerificationSettings)
        -> Check
    {
        let scaled = bound * settings.toleranceScale
        return Check(
            quantity: quantity, measured: measured, expectation: "≤ \(format(scaled))", passed: measured <= scaled,
            band: bound)
    }

    /// |measured - target| ≤ tolerance (tolerance-scaled).
    public static func near(
        _ quantity: String, _ measured: Double, _ target: Double, within tolerance: Double,
        settings: VerificationSettings
    ) -> Check {
        let scaled = tolerance * settings.toleranceScale
        return Check(
            quantity: quantity, measured: measured, expectation: "\(format(target)) ± \(format(scaled))",
            passed: abs(measured - target) <= scaled, band: tolerance)
    }

    /// measured ≥ bound. A tolerance scale below 1 makes the bound stricter so that a broken tolerance fails: a
    /// bound above 1 (a count of standard errors) is divided by the scale; a smaller one (a fraction, a
    /// p-value, a sign) is raised past 1.
    public static func atLeast(_ quantity: String, _ measured: Double, _ bound: Double, settings: VerificationSettings)
        -> Check
    {
        let scale = settings.toleranceScale
        let scaled = scale >= 1 ? bound : (bound > 1 ? bound / scale : 1 + (1 - scale) * max(abs(bound), 1))
        return Check(
            quantity: quantity, measured: measured, expectation: "≥ \(format(scaled))", passed: measured >= scaled,
            band: max(abs(bound), 1e-3))
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}

/// The outcome of one claim.
public struct ClaimOutcome: Sendable {
    public var name: String
    public var statement: String
    public var checks: [Check]
    public var seconds: Double
    /// Why a claim could not run (an error), if it could not.
    public var failure: String?
    /// What the claim recorded besides its checks (empty for a claim written with the checks-only body).
    public var record = ClaimRecord()

    public var passed: Bool { failure == nil && !checks.isEmpty && checks.allSatisfy(\.passed) }
}

/// A claim of the theory, checked numerically: a name for `--only`, the statement in one sentence, how each
/// bound was derived, the defects it is shown to catch, and the run.
///
/// Two forms: `Claim(name:statement:) { settings in … return checks }` returns its checks only;
/// `Claim(name:statement:) { settings, record in … return checks }` also records its parameters,
/// observations (tables, one observation a row), arrays and figures in `record` for `fplab verify --output`.
public struct Claim: Sendable {
    public let name: String
    public let statement: String
    /// Each bound the checks use with its derivation (round-off allowance, discretization estimate, a multiple of
    /// an SE with the right distribution), one sentence a bound.
    public let bounds: [String]
    /// Plausible defects under which the claim fails (the negative-control tests plant each one and require a fail).
    public let controls: [PlantedDefect]
    let body: @Sendable (VerificationSettings, inout ClaimRecord) throws -> [Check]

    /// A claim that returns its checks only.
    public init(
        name: String, statement: String, bounds: [String] = [], controls: [PlantedDefect] = [],
        body: @escaping @Sendable (VerificationSettings) throws -> [Check]
    ) {
        self.name = name
        self.statement = statement
        self.bounds = bounds
        self.controls = controls
        self.body = { settings, _ in try body(settings) }
    }

    /// A claim that records its data in `record` besides returning its checks.
    public init(
        name: String, statement: String, bounds: [String] = [], controls: [PlantedDefect] = [],
        body: @escaping @Sendable (VerificationSettings, inout ClaimRecord) throws -> [Check]
    ) {
        self.name = name
        self.statement = statement
        self.bounds = bounds
        self.controls = controls
        self.body = body
    }

    /// Runs the claim; an error becomes a failed outcome that says why (never a crash).
    public func run(_ settings: VerificationSettings) -> ClaimOutcome {
        let clock = ContinuousClock.now
        var checks: [Check] = []
        var record = ClaimRecord()
        var failure: String?
        do { checks = try body(settings, &record) } catch { failure = "\(error)" }
        let elapsed = ContinuousClock.now - clock
        var outcome = ClaimOutcome(
            name: name, statement: statement, checks: checks,
            seconds: elapsed / .seconds(1),
            failure: failure)
        outcome.record = record
        return outcome
    }
}

/// The larger of two values, NaN when either is (a missing prediction or a NaN statistic must fail the check, never
/// be skipped the way `max` skips it).
func worseOf(_ current: Double, _ value: Double) -> Double {
    current.isNaN || value.isNaN ? .nan : max(current, value)
}

/// The largest value, NaN when there is none or any is NaN (a missing statistic must fail its check).
func largestValue(_ values: [Double]) -> Double {
    values.isEmpty || values.contains(where: \.isNaN) ? .nan : values.max()!
}

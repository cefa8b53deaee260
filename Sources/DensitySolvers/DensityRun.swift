import DiffusionModels
import Foundation
import GridFields
import Safeguards

/// What the run loop measures at a snapshot.
public struct Diagnostics: Sendable, Equatable {
    public var time: Double
    public var mass: Double
    public var minimumDensity: Double
    /// KL(rho_t || stationary), when a stationary density was given.
    public var klToStationary: Double?
    /// ||rho_t - exact||_1 and max |rho_t - exact|, when an exact solution was given.
    public var l1Error: Double?
    public var lInfinityError: Double?

    public init(
        time: Double, mass: Double, minimumDensity: Double, klToStationary: Double? = nil,
        l1Error: Double? = nil, lInfinityError: Double? = nil
    ) {
        self.time = time
        self.mass = mass
        self.minimumDensity = minimumDensity
        self.klToStationary = klToStationary
        self.l1Error = l1Error
        self.lInfinityError = lInfinityError
    }
}

public struct Snapshot: Sendable {
    public var diagnostics: Diagnostics
    /// The density at the snapshot (kept only when asked, and always for the last one).
    public var density: Field?
}

public struct RunResult: Sendable {
    public var status: RunStatus
    /// Snapshot 0 is the initial state; the rest are at the requested times reached before the run ended.
    public var snapshots: [Snapshot]
    public var stepsTaken: Int
    /// The density when the run ended.
    public var finalDensity: Field
    public var finalTime: Double
    public var elapsedSeconds: Double
}

/// The run loop: drives any `DensityStepper` from its current time to `endTime` in `stepCount` steps, stopping at
/// the snapshot times exactly, measuring diagnostics there and checking health after every step.
///
/// Steps: the nominal step is h = (T - t0) / stepCount; the interval between consecutive snapshot times is cut
/// into ceil(length / h) equal steps, so snapshots fall on step boundaries. After every step the mass and the
/// finiteness are checked; a run stops with `.nonFinite` or `.massDrift` instead of carrying NaN forward.
public struct DensityRun {
    public var endTime: Double
    public var stepCount: Int
    /// Snapshot times in (start, endTime]; `endTime` is always added.
    public var snapshotTimes: [Double]
    /// The exact density at time t on the grid, when known (an oracle).
    public var exactDensity: ((Double) -> Field)?
    /// The stationary density on the grid, for KL(rho_t || stationary).
    public var stationaryDensity: Field?
    /// Largest allowed |mass(t) - mass(0)| / mass(0).
    public var massDriftTolerance: Double
    /// Largest allowed amplitude ratio (1 for any non-negative density; round-off adds about 1e-15).
    public var amplitudeRatioBound: Double
    /// Keep every snapshot's density (the final one is always kept).
    public var keepDensities: Bool
    /// Called after every step with the fraction done (0...1).
    public var progress: ((Double) -> Void)?
    /// Step boundaries, when the steps should not be uniform (e.g. shrinking toward a singular end of the
    /// interval); the snapshot times are added to them. Overrides `stepCount`.
    public var stepTimes: [Double]?

    public init(
        endTime: Double,
        stepCount: Int,
        snapshotTimes: [Double] = [],
        exactDensity: ((Double) -> Field)? = nil,
        stationaryDensity: Field? = nil,
        massDriftTolerance: Double = 1e-8,
        amplitudeRatioBound: Double = 1 + 1e-6,
        keepDensities: Bool = false,
        stepTimes: [Double]? = nil,
        progress: ((Double) -> Void)? = nil
    ) {
        self.stepTimes = stepTimes
        self.endTime = endTime
        self.stepCount = stepCount
        self.snapshotTimes = snapshotTimes
        self.exactDensity = exactDensity
        self.stationaryDensity = stationaryDensity
        self.massDriftTolerance = massDriftTolerance
        self.amplitudeRatioBound = amplitudeRatioBound
        self.keepDensities = keepDensities
        self.progress = progress
    }

    /// Snapshot times t_j = start + j (end - start) / count, j = 1...count.
    public static func evenlySpacedTimes(count: Int, from start: Double = 0, to end: Double) -> [Double] {
        (1...max(count, 1)).map { start + Double($0) * (end - start) / Double(max(count, 1)) }
    }

    public func run(_ stepper: any DensityStepper) -> RunResult {
        let clock = ContinuousClock.now
        let startTime = stepper.time
        let initial = stepper.health()
        var targets = snapshotTimes.filter { $0 > startTime && $0 < endTime }.sorted()
        if endTime > startTime { targets.append(endTime) }
        let boundaries = stepBoundaries(from: startTime, targets: targets)
        let totalEstimate = Double(max(boundaries.stepCount, 1))

        let initialDensity = stepper.currentDensity()
        var snapshots = [
            Snapshot(
                diagnostics: diagnostics(of: initialDensity, time: startTime),
                density: keepDensities || targets.isEmpty ? initialDensity : nil)
        ]
        var stepsTaken = 0
        var status = RunStatus.completed
        var nextTarget = 0
        for stepEnd in boundaries {
            stepper.step(by: stepEnd - stepper.time)
            stepsTaken += 1
            let health = stepper.health()
            if !health.isFinite || !health.mass.isFinite {
                status = .nonFinite(time: stepper.time, step: stepsTaken)
                break
            }
            let drift = abs(health.mass - initial.mass) / abs(initial.mass)
            if drift > massDriftTolerance {
                status = .massDrift(time: stepper.time, step: stepsTaken, relativeDrift: drift)
                break
            }
            if health.amplitudeRatio > max(amplitudeRatioBound, initial.amplitudeRatio * amplitudeRatioBound) {
                status = .blewUp(time: stepper.time, step: stepsTaken, amplitudeRatio: health.amplitudeRatio)
                break
            }
            progress?(min(1, Double(stepsTaken) / totalEstimate))
            if nextTarget < targets.count && stepEnd == targets[nextTarget] {
                let density = stepper.currentDensity()
                snapshots.append(
                    Snapshot(
                        diagnostics: diagnostics(of: density, time: stepEnd),
                        density: keepDensities || stepEnd == endTime ? density : nil))
                nextTarget += 1
            }
        }
        let finalDensity = stepper.currentDensity()
        let elapsed = ContinuousClock.now - clock
        return RunResult(
            status: status,
            snapshots: snapshots,
            stepsTaken: stepsTaken,
            finalDensity: finalDensity,
            finalTime: stepper.time,
            elapsedSeconds: elapsed / .seconds(1)
        )
    }

    /// The end times of every step: `stepTimes` (inside the interval) merged with the targets; otherwise each
    /// interval between consecutive targets cut into ceil(length / h) equal steps, h = (T - t0) / stepCount.
    /// Uniform boundaries are produced one at a time (a billion steps need no array of a billion times).
    func stepBoundaries(from startTime: Double, targets: [Double]) -> StepBoundaries {
        if let stepTimes {
            let inside = stepTimes.filter { $0 > startTime && $0 < endTime }
            return StepBoundaries(listed: Array(Set(inside + targets)).sorted())
        }
        let nominalStep = (endTime - startTime) / Double(max(stepCount, 1))
        var segments: [StepBoundaries.Segment] = []
        var segmentStart = startTime
        for target in targets {
            let length = target - segmentStart
            let count = max(1, Int(min((length / nominalStep - 1e-9).rounded(.up), Double(Int.max / 2))))
            segments.append(.init(start: segmentStart, end: target, count: count))
            segmentStart = target
        }
        return StepBoundaries(segments: segments)
    }

    /// The diagnostics of `density` at `time`: mass, minimum, and (when given) KL to the stationary density and
    /// the errors against the exact density.
    public func diagnostics(of density: Field, time: Double) -> Diagnostics {
        var diagnostics = Diagnostics(time: time, mass: density.integral, minimumDensity: density.minimum)
        if let stationaryDensity {
            diagnostics.klToStationary = density.klDivergence(to: stationaryDensity)
        }
        if let exactDensity {
            let exact = exactDensity(time)
            diagnostics.l1Error = density.distanceL1(to: exact)
            diagnostics.lInfinityError = density.distanceLInfinity(to: exact)
        }
        return diagnostics
    }
}

/// The end times of a run's steps, in order: each segment [start, end] cut into `count` equal steps (its last
/// boundary exactly `end`), generated lazily; or an explicit list.
struct StepBoundaries: Sequence {
    struct Segment {
        var start: Double
        var end: Double
        var count: Int
    }

    var segments: [Segment]

    init(segments: [Segment]) { self.segments = segments }

    /// Each listed time is one segment of one step.
    init(listed times: [Double]) {
        segments = zip([times.first ?? 0] + times, times).map { Segment(start: $0, end: $1, count: 1) }
    }

    /// The number of steps (saturating instead of overflowing).
    var stepCount: Int {
        segments.reduce(0) { $0.addingReportingOverflow($1.count).overflow ? Int.max : $0 + $1.count }
    }

    func makeIterator() -> AnyIterator<Double> {
        var segmentIndex = 0
        var stepIndex = 0
        return AnyIterator {
            while segmentIndex < segments.count {
                let segment = segments[segmentIndex]
                stepIndex += 1
                if stepIndex > segment.count {
                    segmentIndex += 1
                    stepIndex = 0
                    continue
                }
                if stepIndex == segment.count { return segment.end }
                return segment.start + Double(stepIndex) * (segment.end - segment.start) / Double(segment.count)
            }
            return nil
        }
    }
}

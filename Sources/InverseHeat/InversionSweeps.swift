import DiffusionModels
import Foundation
import GridFields
import Safeguards
import SpectralTransforms

/// One cell of the blow-up table: a naive inversion on n points with noise delta.
public struct BlowUpMeasurement: Sendable {
    public var pointCount: Int
    public var noiseLevel: Double
    /// k_max of the data grid.
    public var largestWavenumber: Double
    /// s* (`BlowUpPrediction`), nil when none is predicted.
    public var predictedTime: Double?
    /// The reverse time of the step at which it blew up (resolution T / steps), nil when it completed.
    public var measuredTime: Double?
    public var status: RunStatus
    /// Where, when and in which mode it blew up; nil when it completed.
    public var blowUp: BlowUpReport?
    public var stepCount: Int
    /// The per-step history (for error-against-time plots).
    public var history: [InversionRecord]

    /// measured / predicted, when both exist.
    public var ratio: Double? {
        guard let measuredTime, let predictedTime, predictedTime > 0 else { return nil }
        return measuredTime / predictedTime
    }
}

/// Time to blow-up of the naive inversion over a grid of point counts n and noise levels delta: every pair is one
/// `InversionRun` (suggested step count, so about 100 steps fall before the predicted time), all with the same
/// initial mixture, box, T, threshold and seed (so at one n the noise has one shape, scaled by delta).
/// Cost: the sum of the runs, each stopping at its blow-up.
public struct BlowUpSweep {
    public var equation: BackwardEquation
    public var finalTime: Double
    public var mixture: GaussianMixture
    public var halfWidth: Double
    public var pointCounts: [Int]
    public var noiseLevels: [Double]
    public var threshold: Double
    public var seed: UInt64
    public var rigor: PlanningRigor
    public var threads: Int
    /// The equation the stepper inverts (`InversionRun.invertedEquation`); nil: `equation`.
    public var invertedEquation: BackwardEquation?
    /// Called after each run with the fraction of runs done.
    public var progress: ((Double) -> Void)?

    public init(
        equation: BackwardEquation, finalTime: Double, mixture: GaussianMixture, halfWidth: Double, pointCounts: [Int],
        noiseLevels: [Double], threshold: Double = 1, seed: UInt64 = 1, rigor: PlanningRigor = .estimate,
        threads: Int = 1,
        invertedEquation: BackwardEquation? = nil, progress: ((Double) -> Void)? = nil
    ) {
        self.equation = equation
        self.invertedEquation = invertedEquation
        self.finalTime = finalTime
        self.mixture = mixture
        self.halfWidth = halfWidth
        self.pointCounts = pointCounts
        self.noiseLevels = noiseLevels
        self.threshold = threshold
        self.seed = seed
        self.rigor = rigor
        self.threads = threads
        self.progress = progress
    }

    /// One measurement per (n, delta), n-major in the order given.
    public func run() throws -> [BlowUpMeasurement] {
        var measurements: [BlowUpMeasurement] = []
        let total = Double(pointCounts.count * noiseLevels.count)
        for pointCount in pointCounts {
            let grid = Grid(dimension: mixture.dimension, points: pointCount, halfWidth: halfWidth)
            for noiseLevel in noiseLevels {
                let problem = try InverseHeatProblem(
                    equation: equation, grid: grid, finalTime: finalTime, initialData: .mixture(mixture),
                    noiseLevel: noiseLevel, seed: seed
                )
                let result = try InversionRun(
                    method: .naive, threshold: threshold, rigor: rigor, threads: threads,
                    invertedEquation: invertedEquation
                ).run(problem)
                measurements.append(
                    BlowUpMeasurement(
                        pointCount: pointCount, noiseLevel: noiseLevel,
                        largestWavenumber: result.prediction.largestWavenumber,
                        predictedTime: result.prediction.reverseTime, measuredTime: result.blowUpTime,
                        status: result.status, blowUp: result.blowUp,
                        stepCount: result.stepCount, history: result.history
                    ))
                progress?(Double(measurements.count) / total)
            }
        }
        return measurements
    }
}

/// One row of the method table: one method at one noise level.
public struct MethodErrorMeasurement: Sendable {
    public var noiseLevel: Double
    public var regularization: Regularization
    public var method: InversionMethod { regularization.method }
    public var status: RunStatus
    /// The relative error at t = 0; nil when the run blew up before.
    public var finalRelativeError: Double?
    /// s at blow-up (naive, or a regularization that failed).
    public var blowUpTime: Double?
    /// Regularized methods: the absolute error at T/2 and the Hölder bound there.
    public var halfTimeCheck: HoelderCheck?
}

/// The final error of every method over a list of noise levels (THEORY §8): the naive inversion (stepped, with the
/// suggested steps, usually stopping at its blow-up) and each regularization with its a priori parameter,
/// evaluated at `regularizedStepCount` evenly spaced times down to t = 0 and at T/2 (the Hölder check). Same
/// problem and seed throughout; only delta changes.
public struct MethodComparison {
    public var problem: InverseHeatProblem
    public var noiseLevels: [Double]
    public var methods: [InversionMethod]
    public var threshold: Double
    public var regularizedStepCount: Int
    public var rigor: PlanningRigor
    public var threads: Int
    /// The equation every method inverts (`InversionRun.invertedEquation`); nil: the problem's.
    public var invertedEquation: BackwardEquation?
    public var progress: ((Double) -> Void)?

    public init(
        problem: InverseHeatProblem, noiseLevels: [Double], methods: [InversionMethod] = InversionMethod.allCases,
        threshold: Double = 1, regularizedStepCount: Int = 10, rigor: PlanningRigor = .estimate, threads: Int = 1,
        invertedEquation: BackwardEquation? = nil, progress: ((Double) -> Void)? = nil
    ) {
        self.problem = problem
        self.invertedEquation = invertedEquation
        self.noiseLevels = noiseLevels
        self.methods = methods
        self.threshold = threshold
        self.regularizedStepCount = regularizedStepCount
        self.rigor = rigor
        self.threads = threads
        self.progress = progress
    }

    /// One row per (delta, method), delta-major in the order given.
    public func run() throws -> [MethodErrorMeasurement] {
        var rows: [MethodErrorMeasurement] = []
        let total = Double(noiseLevels.count * methods.count)
        for noiseLevel in noiseLevels {
            let noisy = try problem.with(noiseLevel: noiseLevel)
            for method in methods {
                let run = InversionRun(
                    method: method, stepCount: method.isRegularized ? regularizedStepCount : nil, threshold: threshold,
                    rigor: rigor, threads: threads, invertedEquation: invertedEquation
                )
                let result = try run.run(noisy)
                rows.append(
                    MethodErrorMeasurement(
                        noiseLevel: noiseLevel, regularization: result.regularization, status: result.status,
                        finalRelativeError: result.status == .completed ? result.finalRelativeError : nil,
                        blowUpTime: result.blowUpTime, halfTimeCheck: result.halfTimeCheck
                    ))
                progress?(Double(rows.count) / total)
            }
        }
        return rows
    }
}

/// The error of one regularization over a range of its parameter: `factors` times the a priori value, each
/// reconstruction evaluated at `time` (0 by default) from the same data. Shows where the a priori rule sits
/// against the best parameter in hindsight. Cost: one reconstruction and one exact field a factor.
public struct ParameterSweep {
    public struct Point: Sendable, Equatable {
        public var factor: Double
        public var parameter: Double
        public var relativeError: Double
    }

    public var problem: InverseHeatProblem
    public var method: InversionMethod
    public var factors: [Double]
    public var time: Double

    public init(problem: InverseHeatProblem, method: InversionMethod, factors: [Double]? = nil, time: Double = 0) {
        self.problem = problem
        self.method = method
        self.factors = factors ?? Self.defaultFactors(for: method)
        self.time = time
    }

    /// The factors a sweep of `method` spans by default. K and eps sit in an exponent (the largest gain is
    /// (E/delta)^(factor (1 - theta)) for the cutoff), so they are swept linearly, 1/4 to 4 times; alpha scales the
    /// gain itself and is swept over eight decades.
    public static func defaultFactors(for method: InversionMethod) -> [Double] {
        switch method {
        case .cutoff, .quasiReversibility: return [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 4]
        case .naive, .tikhonov, .quasiBoundaryValue: return [1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4]
        }
    }

    public func run() throws -> (aPriori: Regularization, points: [Point]) {
        let data = try problem.data()
        let reconstruction = try SpectralReconstruction(
            equation: problem.equation, data: data, finalTime: problem.finalTime)
        let prediction = BlowUpPrediction(
            equation: problem.equation, grid: problem.grid, noiseLevel: problem.noiseLevel,
            dataSummary: reconstruction.dataSummary, threshold: 1
        )
        let aPriori = InversionRun(method: method).regularization(
            for: problem, prediction: prediction, initialNorm: try problem.initialNorm()
        )
        let exact = try problem.exactField(atTime: time)
        let points = factors.map { factor -> Point in
            let regularization = aPriori.scaled(by: factor)
            let values = reconstruction.reconstruct(regularization, atTime: time).values
            let error = exact.values.withUnsafeBufferPointer { GridNorm.relativeDistance(values, to: $0) }
            return Point(factor: factor, parameter: regularization.parameter, relativeError: error)
        }
        return (aPriori, points)
    }
}

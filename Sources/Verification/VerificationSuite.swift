import CrossChecks
import DataFiles
import DensitySolvers
import DiffusionModels
import Figures
import Foundation
import GridFields
import ParticleSampling
import RandomStreams
import SampleStatistics
import Scores

/// Every claim `fplab verify` checks, in reading order.
public enum VerificationSuite {
    public static let claims: [Claim] = [
        forwardSpectralExact, forwardExactLinear, forwardTemporalOrders, forwardSpatialOrder,
        variancePreservingTimeChange,
        varianceExplodingExact, schedulesExact, entropyDecay, finiteVolumeStructure, exactOrnsteinUhlenbeckStep,
        naiveInversionBlowUp, regularizedInversionBounds, logConvexity, reverseEquationRecovery,
        eulerMaruyamaWeakOrder, samplerOrders, correctorEffect, probabilityFlowLikelihood, diracBridge,
        reverseDynamicsReproduceMixture,
        reverseContrast,
        supportContainment,
        gridParticleCrossCheck, memorization, endpointFrequencies,
        voronoiLimit, sampleMemorization, speciationCrossover, collapseTime, digitsCollapse, scoreErrorNovelty,
        networkGeneralizes,
        timeEmbedding,
    ]

    /// The claim called `name`, or nil.
    public static func claim(named name: String) -> Claim? { claims.first { $0.name == name } }

    static let paperMixture = GaussianMixture.paperOneDimensional
    static let planarMixture = GaussianMixture.paperTwoDimensional
    static let spatialMixture = GaussianMixture.paperThreeDimensional
    static let ornsteinUhlenbeck = LinearSDE.ornsteinUhlenbeck

    /// The spectral solver on `mixture` under the process the claim's subjects hand it for `model`.
    static func spectralRun(
        _ mixture: GaussianMixture, model: LinearSDE, grid: Grid, time: Double, steps: Int? = nil,
        method: GridMethod = .integratingFactorRK4, snapshots: [Double] = [],
        settings: VerificationSettings
    ) throws -> RunResult {
        let problem = FokkerPlanckProblem(
            process: settings.subjects.gridProcess(model), initialDensity: mixture.field(on: grid), endTime: time,
            stationaryDensity: model.stationaryDistribution(dimension: grid.dimension)?.field(on: grid))
        let stepper = settings.subjects.stepper(
            try method.makeStepper(process: problem.process, initialDensity: problem.initialDensity))
        // The step count is the method's suggestion for the model itself, whatever process the subjects plant.
        let count = steps ?? method.suggestedStepCount(process: model, grid: grid, endTime: time)
        return problem.run(stepper, options: SolveOptions(steps: count, snapshotTimes: snapshots))
    }

    /// The cells of a square n × n field (row-major) inside the central half of the box, [−L/2, L/2]²: n/2 × n/2
    /// values at full resolution (n divisible by 4), a heat map a quarter the size where the density lives.
    static func centralHalf(_ values: [Double], points: Int) -> [Double] {
        let (start, half) = (points / 4, points / 2)
        return (0..<(half * half)).map { index in values[(start + index / half) * points + start + index % half] }
    }

    /// VP's coefficients as samplers and scores use them (m(t), v(t), g(t)²) against VP's definition (ClosedForms,
    /// g² = β(t)) at t = 0.1, 0.2, …, 1: the table and the largest relative gap (NaN counts as infinite).
    static func modelCoefficientGap(_ model: LinearSDE, betaMinimum: Double, betaMaximum: Double) -> (
        table: DataTable, largest: Double
    ) {
        var table = DataTable(
            "coefficients",
            title: "VP's coefficients as samplers and scores use them against VP's definition, one time a row.",
            columns: [
                .init("time", "t", tolerance: .exact),
                .init("mean_scale", "m(t) from the model", tolerance: .roundOff(1e-14)),
                .init("mean_scale_definition", "exp(−¼ t² (β_max − β_min) − ½ t β_min)"),
                .init("variance", "v(t) from the model", tolerance: .roundOff(1e-14)),
                .init("variance_definition", "∫_0^t β(r) m(t)²/m(r)² dr by Simpson's rule"),
                .init("squared_diffusion", "g(t)² from the model", tolerance: .roundOff(1e-14)),
                .init("beta", "β(t) = β_min + t (β_max − β_min)"),
            ])
        var largest = 0.0
        for time in stride(from: 0.1, through: 1.0, by: 0.1) {
            let definition = ClosedForms.variancePreserving(
                time: time, betaMinimum: betaMinimum, betaMaximum: betaMaximum)
            let beta = betaMinimum + time * (betaMaximum - betaMinimum)
            let (scale, variance, diffusion) = (
                model.meanScale(to: time), model.variance(to: time), model.diffusionScale(at: time)
            )
            table.append(time, scale, definition.scale, variance, definition.variance, diffusion * diffusion, beta)
            for gap in [
                abs(scale - definition.scale) / definition.scale,
                abs(variance - definition.variance) / definition.variance,
                abs(diffusion * diffusion - beta) / beta,
            ] {
                largest = worseOf(largest, gap)
            }
        }
        return (table, largest)
    }

    /// Least-squares slope of log(error) against log(size).
    static func slope(sizes: [Double], errors: [Double]) -> Double {
        let xs = sizes.map { log($0) }
        let ys = errors.map { log($0) }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let meanY = ys.reduce(0, +) / Double(ys.count)
        let covariance = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
        return covariance / xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
    }
}

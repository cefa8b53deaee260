import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import InverseHeat
import ParticleSampling
import Safeguards
import Scores

/// The four ways back from rho_T to rho_0 that the contrast compares.
public enum ReconstructionMethod: String, Sendable, CaseIterable {
    /// Naive backward spectral inversion (the inverse-heat lab): ill-posed, blows up.
    case naive
    /// The score-guided reverse Fokker–Planck equation on the grid (`ReverseDensityRun`).
    case pde
    /// Reverse-SDE particles histogrammed on the grid.
    case sde
    /// Probability-flow-ODE particles histogrammed on the grid.
    case flow
}

/// Which score guides the pde, sde and flow methods.
public enum ContrastScore: String, Sendable, CaseIterable {
    /// The mixture oracle (`ExactMixtureScore`).
    case exact
    /// Central differences of log rho read off the forward grid solution (`GridScore`).
    case grid
}

/// One method's row of the contrast.
public struct ContrastRow: Sendable {
    public var method: ReconstructionMethod
    /// The reconstruction against rho_0 on the grid; nil when the method did not reach t = 0 (blew up).
    public var comparison: DensityComparison?
    /// How the method's run ended (its `name`: "completed", "blew-up", "non-finite", "mass-drift").
    public var status: RunStatus
    /// A sentence: how it ended, and for a blow-up when (reverse time s), in which mode and where.
    public var statusDetail: String
    /// The model's reverse time s at which the method stopped early.
    public var blowUpTime: Double?
    public var wallSeconds: Double
    /// The reconstruction on the grid (nil when none).
    public var reconstruction: Field?
    /// The pde method's density at t_min before the finish (nil for the other methods, or when it stopped early).
    public var densityAtMinimumTime: Field? = nil
    /// L1 error against the exact rho(T - s) as reverse time s runs (the naive method on its own stretched grid).
    public var history: [(reverseTime: Double, l1Error: Double)]
}

/// The result of the contrast.
public struct ContrastResult: Sendable {
    /// rho_0 on the grid (the mixture sampled at the cell centres).
    public var initialDensity: Field
    /// rho_T from the forward solve, plus the noise.
    public var data: Field
    /// The forward solve's status and the L1 distance of its rho_T to the exact mixture at T.
    public var forwardStatus: RunStatus
    public var forwardError: Double
    public var rows: [ContrastRow]
    /// The finish of the pde, sde and flow methods.
    public var finishSentence: String
    public var pdeSteps: String
    /// The step plan of the pde method.
    public var pdePlan: ReverseStepPlan
}

/// The four-way reconstruction contrast (issue "the heart of the project"): on one grid, evolve rho_0 forward to T
/// with the spectral solver, add white noise of L2 norm delta (`InverseHeatProblem.noise`, seeded), and take the
/// same rho_T back to t = 0 by (1) the naive backward spectral inversion, (2) the score-guided reverse PDE,
/// (3) reverse-SDE particles and (4) probability-flow particles, both drawn from rho_T itself
/// (`GridDensityDraws`) and histogrammed on the same cells. Each method's reconstruction is compared with rho_0
/// (`DensityComparison`); each has an L1-error history against the exact rho(T - s).
public struct ReconstructionContrast {
    public var model: LinearSDE
    public var mixture: GaussianMixture
    /// A periodic grid (the spectral solvers and the naive inversion need one).
    public var grid: Grid
    public var horizon: Double
    public var minimumTime: Double
    public var noiseLevel: Double
    public var methods: [ReconstructionMethod]
    public var score: ContrastScore
    public var pdeMethod: GridMethod
    /// nil: the spectral suggestion for the whole interval, merged with 400 geometric steps.
    public var pdeSteps: ReverseStepPlan?
    public var finish: ReverseFinish
    public var particleCount: Int
    public var particleSteps: Int
    public var seed: UInt64
    public var threads: Int
    /// The components under test, each the identity in normal use (a test hands in broken ones): the score handed
    /// to the reverse PDE and the particles, every grid stepper (the forward solve and the reverse PDE), the
    /// process the particles run (and their exact score is built for), and the particles' end positions before
    /// they are binned.
    public var scoreTransform: @Sendable (any ScoreProvider) -> any ScoreProvider = { $0 }
    public var stepperTransform: @Sendable (any DensityStepper) -> any DensityStepper = { $0 }
    public var particleProcessTransform: @Sendable (LinearSDE) -> LinearSDE = { $0 }
    public var positionTransform: @Sendable ([Double]) -> [Double] = { $0 }

    public init(
        model: LinearSDE, mixture: GaussianMixture, grid: Grid, horizon: Double = 1, minimumTime: Double = 1e-5,
        noiseLevel: Double = 0, methods: [ReconstructionMethod] = ReconstructionMethod.allCases,
        score: ContrastScore = .exact,
        pdeMethod: GridMethod = .integratingFactorRK4, pdeSteps: ReverseStepPlan? = nil,
        finish: ReverseFinish = .posteriorMeanMap, particleCount: Int = 100_000, particleSteps: Int = 500,
        seed: UInt64 = 1, threads: Int = 1
    ) {
        self.model = model
        self.mixture = mixture
        self.grid = grid
        self.horizon = horizon
        self.minimumTime = minimumTime
        self.noiseLevel = noiseLevel
        self.methods = methods
        self.score = score
        self.pdeMethod = pdeMethod
        self.pdeSteps = pdeSteps
        self.finish = finish
        self.particleCount = particleCount
        self.particleSteps = particleSteps
        self.seed = seed
        self.threads = threads
    }

    /// The stream the particles' start points are drawn from.
    static let startStream: UInt64 = 0x7374_6172_74 // "start"

    /// The exact density at forward time t on the grid.
    func exactDensity() -> @Sendable (Double) -> Field {
        let mixture = self.mixture
        let model = self.model
        let grid = self.grid
        return { time in (time > 0 ? mixture.evolved(under: model, to: time) : mixture).field(on: grid) }
    }

    public func run(progress: ((Double) -> Void)? = nil) throws -> ContrastResult {
        guard grid.boundary == .periodic else { throw ReconstructionError("the contrast needs a periodic grid") }
        guard mixture.dimension == grid.dimension else {
            throw ReconstructionError("the mixture is \(mixture.dimension)-D and the grid \(grid.dimension)-D")
        }
        guard minimumTime > 0, minimumTime < horizon else {
            throw ReconstructionError("t_min must be greater than 0 and below T = \(horizon); got \(minimumTime)")
        }
        let exact = exactDensity()
        let initialDensity = exact(0)

        // Forward to T on the grid (snapshots for the grid score).
        let forwardSteps = SpectralFokkerPlanckSolver.suggestedStepCount(process: model, grid: grid, endTime: horizon)
        let snapshotTimes =
            score == .grid
            ? Array(
                Set(
                    DensityRun.evenlySpacedTimes(count: 200, to: horizon)
                        + TimeGrid.geometric(from: horizon, to: minimumTime, steps: 100).times)
            ).sorted()
            : []
        let forwardProblem = FokkerPlanckProblem(process: model, initialDensity: initialDensity, endTime: horizon)
        let forward = forwardProblem.run(
            stepperTransform(
                try GridMethod.integratingFactorRK4.makeStepper(
                    process: model, initialDensity: initialDensity, threads: threads)),
            options: SolveOptions(steps: forwardSteps, snapshotTimes: snapshotTimes, keepDensities: score == .grid))
        guard forward.status.isCompleted else {
            throw ReconstructionError("the forward solve to T stopped early: \(forward.status)")
        }
        let noise = try InverseHeatProblem(
            equation: .heat(diffusivity: 1), grid: grid, finalTime: horizon,
            initialData: .mixture(mixture), noiseLevel: noiseLevel, seed: seed
        ).noise()
        let data = Field(grid: grid, values: zip(forward.finalDensity.values, noise.values).map { $0 + $1 })
        let particleModel = particleProcessTransform(model)
        let gridScore =
            score == .exact
            ? nil
            : GridScore(
                snapshots: forward.snapshots.compactMap { snapshot in
                    snapshot.density.map { (snapshot.diagnostics.time, $0) }
                }, model: model,
                storesCellCentreValues: true)
        let scoreProvider: any ScoreProvider = scoreTransform(
            gridScore ?? ExactMixtureScore(mixture: mixture, model: model))
        let particleScore: any ScoreProvider = scoreTransform(
            gridScore ?? ExactMixtureScore(mixture: mixture, model: particleModel))

        var rows: [ContrastRow] = []
        let plan =
            pdeSteps
            ?? ReverseStepPlan(
                uniformSteps: SpectralFokkerPlanckSolver.suggestedStepCount(
                    process: ReverseTimeProcess(forward: model, score: scoreProvider, horizon: horizon),
                    grid: grid, endTime: horizon - minimumTime),
                geometricSteps: 400)
        for (index, method) in methods.enumerated() {
            let clock = ContinuousClock.now
            var row: ContrastRow
            switch method {
            case .naive:
                let outcome = try NaiveReconstruction(
                    model: model, mixture: mixture, horizon: horizon, threads: threads
                )
                .run(data: data, noiseLevel: noiseLevel, seed: seed)
                let detail: String
                if let report = outcome.inversion.blowUp {
                    let point = report.location.map { String(format: "%.4g", $0) }.joined(separator: ", ")
                    detail = String(
                        format:
                            "blew up at reverse time s = %.4g (%@), mode |k| = %.4g "
                            + "(frequency %@), largest error at x = (%@)",
                        outcome.blowUpTime ?? .nan,
                        report.cause == .threshold ? "relative L2 error above 1" : "non-finite values",
                        report.mode.wavenumber, "\(report.mode.frequencies)", point)
                } else {
                    detail = "completed"
                }
                row = ContrastRow(
                    method: method,
                    comparison: outcome.reconstruction.map { DensityComparison($0, reference: initialDensity) },
                    status: outcome.inversion.status, statusDetail: detail, blowUpTime: outcome.blowUpTime,
                    wallSeconds: 0, reconstruction: outcome.reconstruction, history: outcome.history)
            case .pde:
                var run = ReverseDensityRun(
                    model: model, score: scoreProvider, horizon: horizon, minimumTime: minimumTime,
                    method: pdeMethod, steps: plan, finish: finish, exactDensity: exact, threads: threads)
                run.stepperTransform = stepperTransform
                let result = try run.run(from: data)
                let completed = result.status.isCompleted
                var detail = result.status.description(clock: .reverseTime)
                if let location = result.stopLocation {
                    detail +=
                        ", largest value at x = (" + location.map { String(format: "%.4g", $0) }.joined(separator: ", ")
                        + ")"
                }
                row = ContrastRow(
                    method: method,
                    comparison: completed ? DensityComparison(result.reconstruction, reference: initialDensity) : nil,
                    status: result.status, statusDetail: detail,
                    blowUpTime: completed ? nil : horizon - result.reconstructionTime, wallSeconds: 0,
                    reconstruction: completed ? result.reconstruction : nil,
                    history: result.history.map { ($0.reverseTime, $0.l1Error ?? .nan) })
                row.densityAtMinimumTime = completed ? result.densityAtStop : nil
            case .sde, .flow:
                let start = try GridDensityDraws(density: data).draw(
                    count: particleCount, seed: seed, stream: Self.startStream)
                var run = ParticleReconstruction(
                    model: particleModel, score: particleScore, horizon: horizon, minimumTime: minimumTime,
                    dynamics: method == .sde ? .reverseSDE : .probabilityFlow, steps: particleSteps, finish: finish,
                    exactDensity: exact, seed: seed, threads: threads
                )
                run.positionTransform = positionTransform
                let result = try run.run(from: start, grid: grid)
                let completed = result.status == .completed
                row = ContrastRow(
                    method: method,
                    comparison: completed ? DensityComparison(result.reconstruction, reference: initialDensity) : nil,
                    status: result.status, statusDetail: result.status.description,
                    blowUpTime: completed ? nil : horizon - result.reconstructionTime, wallSeconds: 0,
                    reconstruction: completed ? result.reconstruction : nil,
                    history: result.history.map { ($0.reverseTime, $0.l1Error ?? .nan) })
            }
            let elapsed = ContinuousClock.now - clock
            row.wallSeconds = elapsed / .seconds(1)
            rows.append(row)
            progress?(Double(index + 1) / Double(methods.count))
        }
        return ContrastResult(
            initialDensity: initialDensity, data: data, forwardStatus: forward.status,
            forwardError: forward.finalDensity.distanceL1(to: exact(horizon)), rows: rows,
            finishSentence: finish.sentence(minimumTime: minimumTime), pdeSteps: plan.summary, pdePlan: plan)
    }
}

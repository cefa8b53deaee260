import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import RandomStreams
import Safeguards
import Scores

/// The regions of the line that interval data defines: its pieces, the gaps between them, and the two outer rays.
public struct SupportRegions: Sendable {
    public let data: UniformIntervals

    public init(data: UniformIntervals) { self.data = data }

    /// Masses of a cell density: per piece, per gap (between consecutive pieces), and beyond the outer ends; each
    /// cell contributes value x (its overlap with the region), so grids whose faces fall on the ends count exactly.
    public func masses(of field: Field) -> (pieces: [Double], gaps: [Double], outer: Double) {
        precondition(field.grid.dimension == 1, "SupportRegions: a 1-D field")
        let grid = field.grid
        let width = grid.spacing(axis: 0)
        func mass(from low: Double, to high: Double) -> Double {
            var total = 0.0
            for cell in 0..<grid.count {
                let cellLow = -grid.halfWidth + Double(cell) * width
                let overlap = min(high, cellLow + width) - max(low, cellLow)
                if overlap > 0 { total += field.values[cell] * overlap }
            }
            return total
        }
        let pieces = data.pieces.map { mass(from: $0.lower, to: $0.upper) }
        let gaps = zip(data.pieces, data.pieces.dropFirst()).map { mass(from: $0.0.upper, to: $0.1.lower) }
        return (pieces, gaps, field.integral - pieces.reduce(0, +) - gaps.reduce(0, +))
    }

    /// Fractions of particles: per piece, per gap, and outside (beyond the ends, or not finite).
    public func masses(ofPositions positions: [Double]) -> (pieces: [Double], gaps: [Double], outer: Double) {
        var pieces = [Double](repeating: 0, count: data.pieces.count)
        var gaps = [Double](repeating: 0, count: max(data.pieces.count - 1, 0))
        var outer = 0.0
        let pieceList = data.pieces
        for x in positions {
            if let index = pieceList.firstIndex(where: { $0.lower <= x && x <= $0.upper }) {
                pieces[index] += 1
                continue
            }
            if let index = zip(pieceList, pieceList.dropFirst()).enumerated().first(where: {
                $0.element.0.upper < x && x < $0.element.1.lower
            })?.offset {
                gaps[index] += 1
                continue
            }
            outer += 1
        }
        let count = Double(positions.count)
        return (pieces.map { $0 / count }, gaps.map { $0 / count }, outer / count)
    }
}

/// THEORY §4's prediction of where the exact reverse dynamics started from mu instead of rho_T put their mass:
/// the law at the end is h(., 0) rho_0 with h(x, 0) = int p_T(y | x) mu(y) / rho_T(y) dy, so piece j receives
/// int_(a_j)^(b_j) h(x, 0) rho_0(x) dx. Computed by quadrature, independently of every solver:
/// - `pieceMasses`: the outer integral over each piece by composite 16-point Gauss–Legendre (8 panels), the inner
///   one over y = m x + sqrt(v) z, z in [-12, 12] (24 panels), with the exact log rho_T;
/// - `pieceMassesByPosterior`: Bayes' form int mu(y) P(X0 in piece j | X_T = y) dy over y in [-14, 14]
///   (112 panels): the same numbers by another route (the tests compare the two).
public enum ReweightingPrediction {
    public static func pieceMasses(
        data: UniformIntervals, model: LinearSDE, horizon: Double, startDensity: (Double) -> Double
    ) -> [Double] {
        let scale = model.meanScale(to: horizon)
        let spread = model.variance(to: horizon).squareRoot()
        return data.pieces.map { piece in
            let uniform = piece.weight / (piece.upper - piece.lower)
            return uniform
                * compositeGaussLegendre(from: piece.lower, to: piece.upper, panels: 8) { x in
                    compositeGaussLegendre(from: -12, to: 12, panels: 24) { z in
                        let y = scale * x + spread * z
                        return Foundation.exp(
                            NormalTails.logDensity(z) - data.logDensity(at: y, time: horizon, model: model))
                            * startDensity(y)
                    }
                }
        }
    }

    public static func pieceMassesByPosterior(
        data: UniformIntervals, model: LinearSDE, horizon: Double, startDensity: (Double) -> Double
    ) -> [Double] {
        var masses = [Double](repeating: 0, count: data.pieces.count)
        for index in masses.indices {
            masses[index] = compositeGaussLegendre(from: -14, to: 14, panels: 112) { y in
                startDensity(y) * data.pieceProbabilities(at: y, time: horizon, model: model)[index]
            }
        }
        return masses
    }

    static func compositeGaussLegendre(from start: Double, to end: Double, panels: Int, _ function: (Double) -> Double)
        -> Double
    {
        let width = (end - start) / Double(panels)
        var total = 0.0
        for panel in 0..<panels {
            let centre = start + (Double(panel) + 0.5) * width
            for (node, weight) in zip(NormalTails.gaussNodes, NormalTails.gaussWeights) {
                total += weight * (function(centre - 0.5 * width * node) + function(centre + 0.5 * width * node))
            }
        }
        return 0.5 * width * total
    }
}

/// One reverse run's region masses over reverse time.
public struct RegionHistory: Sendable {
    public struct Point: Sendable, Equatable {
        public var reverseTime: Double
        /// Mass in the gaps between pieces (for two intervals: in (-1, 1)).
        public var gapMass: Double
        /// Mass beyond the outer ends (for two intervals: |x| > 2), including any outside the box.
        public var outerMass: Double
    }

    public var points: [Point]
    /// Per piece at the end.
    public var finalPieceMasses: [Double]
    /// Standard errors of the final piece masses (particles: sqrt(p (1 - p) / M); nil for the grid).
    public var finalStandardErrors: [Double]?
    public var status: RunStatus
    /// How it ended, as a sentence (the grid's times in reverse time s, the particles' in forward time t).
    public var statusDetail: String
    public var wallSeconds: Double
}

/// Support containment (THEORY §4): run the exact reverse dynamics of interval data from gamma = N(0, 1) (the
/// stationary law) instead of rho_T, on the grid (`ReverseDensityRun`, finite volumes by default: positive and
/// implicit, so the 1/t drift outside the support costs no stability) and with particles (`ParticleReconstruction`),
/// and measure the mass in the gaps and beyond the ends as reverse time runs; at the end compare each piece's mass
/// with `ReweightingPrediction`.
public struct SupportContainment {
    public var data: UniformIntervals
    public var model: LinearSDE
    public var horizon: Double
    public var minimumTime: Double
    /// A 1-D grid; its boundary is set by the solver (reflecting for finite volumes, periodic for spectral).
    public var grid: Grid
    public var method: GridMethod
    public var steps: ReverseStepPlan
    public var finish: ReverseFinish
    public var particleCount: Int
    public var particleSteps: Int
    /// The particles' update: DDPM's ancestral step by default (THEORY §5: no step-size restriction near t = 0).
    public var particleIntegrator: ParticleIntegrator
    public var seed: UInt64
    public var threads: Int
    public var runsGrid: Bool
    public var runsParticles: Bool
    /// Snapshots n: the grid records the region masses at the forward times T (t_min/T)^(k/(n+1)), k = 1...n + 1;
    /// the particles at their step nearest to each (exactly there when `particleSteps` is a multiple of n + 1).
    public var snapshotCount: Int = 30
    /// The components under test, each the identity in normal use (a test hands in broken ones): the score handed
    /// to the grid run and the particles, the grid stepper, the process the particles run (their score is built
    /// for it), and the particle positions before they are counted.
    public var scoreTransform: @Sendable (any ScoreProvider) -> any ScoreProvider = { $0 }
    public var stepperTransform: @Sendable (any DensityStepper) -> any DensityStepper = { $0 }
    public var particleProcessTransform: @Sendable (LinearSDE) -> LinearSDE = { $0 }
    public var positionTransform: @Sendable ([Double]) -> [Double] = { $0 }

    public init(
        data: UniformIntervals = .twoIntervals, model: LinearSDE = .ornsteinUhlenbeck, horizon: Double = 1,
        minimumTime: Double = 1e-3,
        grid: Grid = Grid(dimension: 1, points: 1024, halfWidth: 8, boundary: .reflecting),
        method: GridMethod = .trBDF2,
        steps: ReverseStepPlan = ReverseStepPlan(uniformSteps: 200, geometricSteps: 600),
        finish: ReverseFinish = .posteriorMeanMap,
        particleCount: Int = 100_000, particleSteps: Int = 200, particleIntegrator: ParticleIntegrator = .ddpm,
        seed: UInt64 = 1, threads: Int = 1, runsGrid: Bool = true, runsParticles: Bool = true
    ) {
        self.data = data
        self.model = model
        self.horizon = horizon
        self.minimumTime = minimumTime
        self.grid = grid
        self.method = method
        self.steps = steps
        self.finish = finish
        self.particleCount = particleCount
        self.particleSteps = particleSteps
        self.particleIntegrator = particleIntegrator
        self.seed = seed
        self.threads = threads
        self.runsGrid = runsGrid
        self.runsParticles = runsParticles
    }

    /// The start law gamma = N(0, 1).
    public static func startDensity(_ y: Double) -> Double { Foundation.exp(NormalTails.logDensity(y)) }

    public struct Result: Sendable {
        /// Per piece: the h-reweighting prediction, and the same by Bayes' form.
        public var prediction: [Double]
        public var predictionByPosterior: [Double]
        public var grid: RegionHistory?
        public var particles: RegionHistory?
        /// The grid's reconstruction (after the finish).
        public var gridDensity: Field?
        public var particlePositions: [Double]?
    }

    /// The stream the start particles are drawn from.
    static let startStream: UInt64 = 0x6761_6D6D_61 // "gamma"

    public func run(progress: ((Double) -> Void)? = nil) throws -> Result {
        guard grid.dimension == 1 else {
            throw ReconstructionError("support containment runs in 1-D; the grid is \(grid.dimension)-D")
        }
        guard minimumTime > 0, minimumTime < horizon else {
            throw ReconstructionError("t_min must be greater than 0 and below T = \(horizon); got \(minimumTime)")
        }
        let score = scoreTransform(UniformIntervalsScore(data: data, model: model))
        let regions = SupportRegions(data: data)
        let prediction = ReweightingPrediction.pieceMasses(
            data: data, model: model, horizon: horizon, startDensity: Self.startDensity)
        let byPosterior = ReweightingPrediction.pieceMassesByPosterior(
            data: data, model: model, horizon: horizon, startDensity: Self.startDensity)
        var result = Result(prediction: prediction, predictionByPosterior: byPosterior)
        if runsGrid {
            let start = Field(grid: grid, sampling: { Self.startDensity($0[0]) })
            let clock = ContinuousClock.now
            var run = ReverseDensityRun(
                model: model, score: score, horizon: horizon, minimumTime: minimumTime, method: method,
                steps: steps, finish: finish, snapshotCount: snapshotCount, threads: threads, progress: progress)
            run.keepSnapshots = true
            run.stepperTransform = stepperTransform
            let outcome = try run.run(from: start)
            var points = outcome.snapshots.map { snapshot -> RegionHistory.Point in
                let masses = regions.masses(of: snapshot.density)
                return .init(
                    reverseTime: snapshot.reverseTime, gapMass: masses.gaps.reduce(0, +), outerMass: masses.outer)
            }
            let final = regions.masses(of: outcome.reconstruction)
            if outcome.reconstructionTime == 0 {
                points.append(
                    .init(
                        reverseTime: horizon, gapMass: final.gaps.reduce(0, +),
                        outerMass: final.outer + outcome.lostMass))
            }
            let elapsed = ContinuousClock.now - clock
            result.grid = RegionHistory(
                points: points, finalPieceMasses: final.pieces, finalStandardErrors: nil,
                status: outcome.status, statusDetail: outcome.status.description(clock: .reverseTime),
                wallSeconds: elapsed / .seconds(1))
            result.gridDensity = outcome.reconstruction
        }
        if runsParticles {
            let clock = ContinuousClock.now
            var generator = Xoshiro256StarStar(seed: seed, stream: Self.startStream)
            var start = [Double](repeating: 0, count: particleCount)
            start.withUnsafeMutableBufferPointer {
                MixtureDraws(mixture: .standardNormal(dimension: 1)).fill($0, using: &generator)
            }
            let particleModel = particleProcessTransform(model)
            var run = ParticleReconstruction(
                model: particleModel, score: scoreTransform(UniformIntervalsScore(data: data, model: particleModel)),
                horizon: horizon, minimumTime: minimumTime, dynamics: .reverseSDE, integrator: particleIntegrator,
                steps: particleSteps, finish: finish, snapshotCount: snapshotCount + 1, seed: seed, threads: threads)
            run.keepPositions = true
            run.positionTransform = positionTransform
            let outcome = try run.run(
                from: start, grid: Grid(shape: grid.shape, halfWidth: grid.halfWidth, boundary: .periodic))
            let points = outcome.history.compactMap { point -> RegionHistory.Point? in
                guard let positions = point.positions else { return nil }
                let masses = regions.masses(ofPositions: positions)
                return .init(reverseTime: point.reverseTime, gapMass: masses.gaps.reduce(0, +), outerMass: masses.outer)
            }
            let final = regions.masses(ofPositions: outcome.positions)
            let count = Double(particleCount)
            let elapsed = ContinuousClock.now - clock
            result.particles = RegionHistory(
                points: points, finalPieceMasses: final.pieces,
                finalStandardErrors: final.pieces.map { ($0 * (1 - $0) / count).squareRoot() },
                status: outcome.status, statusDetail: outcome.status.description,
                wallSeconds: elapsed / .seconds(1))
            result.particlePositions = outcome.positions
        }
        return result
    }
}

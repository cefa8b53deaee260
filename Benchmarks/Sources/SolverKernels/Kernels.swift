import FokkerPlanckLab
import Foundation

/// The kernels the benchmarks time, each built once and then run many times.
///
/// Every benchmark (the ordo-one suites and `fplab-kernels`) builds its kernels here, so they all time the same
/// work: the same grids, the same initial mixture, the same planning rigor and thread count.
public enum KernelKind: String, CaseIterable, Sendable {
    /// A bare FFTW real-to-complex transform followed by its complex-to-real inverse, out of place.
    case transformPair = "fftw-pair"
    /// The real-to-complex transform alone (the input is preserved, so it can be repeated as is).
    case forwardTransform = "fftw-r2c"
    /// One `SpectralFokkerPlanckSolver` integrating-factor RK4 step of the OU Fokker–Planck equation.
    case spectralIntegratingFactorRK4 = "spectral-if-rk4"
    /// One `SpectralFokkerPlanckSolver` Strang-splitting step.
    case spectralStrang = "spectral-strang"
    /// One `FiniteVolumeFokkerPlanckSolver` TR-BDF2 step on a grid with reflecting walls.
    case finiteVolumeTRBDF2 = "finite-volume-tr-bdf2"
    /// points^dimension standard normals from the ziggurat on one xoshiro256** stream: the particle loop's floor.
    case normals
    /// One step of the naive backward OU inversion (`NaiveBackwardStepper`): one r2c, a diagonal multiply with
    /// the spectrum summary, one c2r.
    case naiveInversionStep = "naive-inversion-step"
    /// One `SpectralFokkerPlanckSolver` IF-RK4 step of the score-guided reverse equation (`ReverseTimeProcess` of
    /// OU, horizon 1) driven by a `GridScore` read on the same grid (two snapshots, at t = 0.5 and 0.6, centre values
    /// stored): the drift is written at the cell centres at each stage time (`CellCentreDrift`), the transforms are
    /// the forward step's.
    case reversePDEStep = "reverse-pde-step"
    /// One `ExactLinearPropagator` evaluation of the OU density at t = 0.7 (chirp-z along every axis, one c2r).
    case exactLinear = "exact-linear"
    /// `FiniteDatasetScore.posteriorMean` of `FiniteDataScoreShape.queryPoints` points against N = `points`
    /// training points in d = `dimension` (uniform on [-1, 1]^d, t = 0.5): for d >= 32 two dgemms per block of 32
    /// points (4 M N d flops in all) and M N exponentials.
    case finiteDataScore = "finite-data-score"

    /// True for the kernels that run on a periodic grid (all but the finite-volume step).
    public var isPeriodic: Bool { self != .finiteVolumeTRBDF2 }
}

/// The shape of the `finite-data-score` kernel.
public enum FiniteDataScoreShape {
    /// Points whose posterior mean one call computes (eight blocks of 32).
    public static let queryPoints = 256

    /// Floating-point operations of the two matrix products of one call: 2 M N d each.
    public static func matrixProductFlops(trainingPoints: Int, dimension: Int) -> Double {
        4 * Double(queryPoints) * Double(trainingPoints) * Double(dimension)
    }
}

/// What a kernel runs on.
public struct KernelConfiguration: Sendable, Equatable {
    public var dimension: Int
    /// Cells per axis.
    public var points: Int
    /// Half the side of the box [-L, L]^d.
    public var halfWidth: Double
    /// FFTW threads, and the threads of the spectral solver's pointwise passes.
    public var threads: Int
    public var rigor: PlanningRigor
    /// The solvers' time step.
    public var timeStep: Double

    public init(
        dimension: Int, points: Int, halfWidth: Double = 8, threads: Int = 1, rigor: PlanningRigor = .estimate,
        timeStep: Double = 0.001
    ) {
        self.dimension = dimension
        self.points = points
        self.halfWidth = halfWidth
        self.threads = threads
        self.rigor = rigor
        self.timeStep = timeStep
    }

    public func grid(boundary: Boundary) -> Grid {
        Grid(dimension: dimension, points: points, halfWidth: halfWidth, boundary: boundary)
    }

    /// "1024^2", "65536".
    public var sizeLabel: String { dimension == 1 ? "\(points)" : "\(points)^\(dimension)" }

    /// The planning rigor named by the environment variable `FPLAB_BENCHMARK_RIGOR` (estimate, measure, patient);
    /// estimate, the solvers' default, when it is unset. The benchmark suites read it, so that
    /// `FPLAB_BENCHMARK_RIGOR=measure swift package benchmark` times the measured plans without an edit.
    public static var environmentRigor: PlanningRigor {
        guard let text = ProcessInfo.processInfo.environment["FPLAB_BENCHMARK_RIGOR"] else { return .estimate }
        guard let rigor = PlanningRigor(rawValue: text) else {
            fatalError("FPLAB_BENCHMARK_RIGOR must be one of \(PlanningRigor.allCases.map(\.rawValue)), got '\(text)'")
        }
        return rigor
    }

    /// " 2 threads", " measure": what sets a benchmark apart from the 1-thread, estimate default (for names).
    public var variantLabel: String {
        (threads == 1 ? "" : " \(threads) threads") + (rigor == .estimate ? "" : " \(rigor.rawValue)")
    }
}

/// The initial densities: a two-component Gaussian mixture, away from the box's edges for L = 8.
public enum BenchmarkDensity {
    /// The mixture specification for `dimension` (1, 2 or 3).
    public static func specification(dimension: Int) -> String {
        switch dimension {
        case 1: return "0.5:-1.5:0.5;0.5:1.5:0.5"
        case 2: return "0.5:-1.5,0:0.5;0.5:1.5,1:0.5"
        default: return "0.5:-1.5,0,0:0.5;0.5:1.5,1,0:0.5"
        }
    }

    public static func mixture(dimension: Int) throws -> GaussianMixture {
        try GaussianMixture(specification: specification(dimension: dimension), dimension: dimension)
    }

    public static func field(on grid: Grid) throws -> Field {
        try mixture(dimension: grid.dimension).field(on: grid)
    }
}

/// A bare FFTW r2c + c2r pair on its own buffers: input -> spectrum -> output, input preserved.
public final class TransformPairKernel {
    public let transform: RealFourierTransform
    private let input: AlignedBuffer
    private let spectrum: AlignedBuffer
    private let output: AlignedBuffer

    /// Plans first (MEASURE overwrites the plan's buffers), then fills the input with `values`.
    public init(shape: [Int], values: [Double], threads: Int, rigor: PlanningRigor) throws {
        transform = try RealFourierTransform(shape: shape, rigor: rigor, threads: threads)
        input = AlignedBuffer(values)
        spectrum = transform.spectrumBuffer
        output = transform.realBuffer
    }

    /// r2c then c2r (the c2r destroys the spectrum, which the next r2c rewrites).
    public func forwardAndBackward() {
        transform.forward(input, into: spectrum)
        transform.backward(spectrum, into: output)
    }

    public func forwardOnly() {
        transform.forward(input, into: spectrum)
    }

    /// A value that depends on the last output (keeps the work observable).
    public var checksum: Double { output[0] + spectrum[0] }
}

/// A built kernel: `run()` does one call of the timed work.
public final class Kernel {
    public let kind: KernelKind
    public let configuration: KernelConfiguration
    /// The solver, for the solver kernels (to read the density back).
    public let stepper: (any DensityStepper)?
    private let body: () -> Void
    private let observe: () -> Double

    init(
        kind: KernelKind, configuration: KernelConfiguration, stepper: (any DensityStepper)?,
        body: @escaping () -> Void, observe: @escaping () -> Double
    ) {
        self.kind = kind
        self.configuration = configuration
        self.stepper = stepper
        self.body = body
        self.observe = observe
    }

    /// One call: one transform pair, one transform, or one solver step.
    @inline(never)
    public func run() { body() }

    /// A number derived from the current state (pass it to a black hole).
    public var observation: Double { observe() }

    /// Builds `kind` on `configuration`: plans the transforms and samples the initial mixture on the grid.
    public static func make(_ kind: KernelKind, configuration: KernelConfiguration) throws -> Kernel {
        if kind == .normals {
            let count = Int(pow(Double(configuration.points), Double(configuration.dimension)))
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
            buffer.initialize(repeating: 0)
            var generator = Xoshiro256StarStar(seed: 1)
            return Kernel(
                kind: kind, configuration: configuration, stepper: nil,
                body: { Ziggurat.fill(buffer, using: &generator) }, observe: { buffer[0] })
        }
        if kind == .finiteDataScore {
            let (count, dimension) = (configuration.points, configuration.dimension)
            var generator = Xoshiro256StarStar(seed: 2)
            let data = (0..<(count * dimension)).map { _ in 2 * generator.nextUniform() - 1 }
            let queries = (0..<(FiniteDataScoreShape.queryPoints * dimension)).map { _ in
                2 * generator.nextUniform() - 1
            }
            let score = FiniteDatasetScore(data: data, dimension: dimension)
            let means = UnsafeMutableBufferPointer<Double>.allocate(capacity: queries.count)
            means.initialize(repeating: 0)
            return Kernel(
                kind: kind, configuration: configuration, stepper: nil,
                body: { queries.withUnsafeBufferPointer { score.posteriorMean(at: $0, time: 0.5, into: means) } },
                observe: { means[0] })
        }
        let boundary: Boundary = kind.isPeriodic ? .periodic : .reflecting
        let grid = configuration.grid(boundary: boundary)
        let density = try BenchmarkDensity.field(on: grid)
        let process = LinearSDE.ornsteinUhlenbeck
        let timeStep = configuration.timeStep
        switch kind {
        case .transformPair, .forwardTransform:
            let pair = try TransformPairKernel(
                shape: grid.shape, values: density.values, threads: configuration.threads, rigor: configuration.rigor)
            let body: () -> Void = kind == .transformPair ? { pair.forwardAndBackward() } : { pair.forwardOnly() }
            return Kernel(
                kind: kind, configuration: configuration, stepper: nil, body: body, observe: { pair.checksum })
        case .spectralIntegratingFactorRK4, .spectralStrang:
            let solver = try SpectralFokkerPlanckSolver(
                process: process,
                initialDensity: density,
                method: kind == .spectralStrang ? .strangSplitting : .integratingFactorRK4,
                rigor: configuration.rigor,
                threads: configuration.threads
            )
            return Kernel(
                kind: kind, configuration: configuration, stepper: solver, body: { solver.step(by: timeStep) },
                observe: { solver.health().mass })
        case .finiteVolumeTRBDF2:
            let solver = try FiniteVolumeFokkerPlanckSolver(process: process, initialDensity: density, method: .trBDF2)
            return Kernel(
                kind: kind, configuration: configuration, stepper: solver, body: { solver.step(by: timeStep) },
                observe: { solver.health().mass })
        case .naiveInversionStep:
            // Backward from the density at T = 1 in steps of 1e-6 (far from blow-up: the timing is the step's).
            let stepper = try NaiveBackwardStepper(
                equation: .ornsteinUhlenbeck, data: density, finalTime: 1,
                rigor: configuration.rigor, threads: configuration.threads)
            var reverseTime = 0.0
            return Kernel(
                kind: kind, configuration: configuration, stepper: nil,
                body: {
                    reverseTime += 1e-6
                    stepper.step(toReverseTime: reverseTime)
                }, observe: { stepper.values[0] })
        case .reversePDEStep:
            // The score of the OU evolution of the mixture, read off its exact fields at t = 0.5 and 0.6; the run
            // starts at forward time 0.59 (reverse time 0.41) and each step goes back by the time step.
            let mixture = try BenchmarkDensity.mixture(dimension: grid.dimension)
            let score = GridScore(
                snapshots: [0.5, 0.6].map { ($0, mixture.evolved(under: process, to: $0).field(on: grid)) },
                model: process,
                storesCellCentreValues: true)
            let reverse = ReverseTimeProcess(forward: process, score: score, horizon: 1)
            let solver = try SpectralFokkerPlanckSolver(
                process: reverse, initialDensity: mixture.evolved(under: process, to: 0.59).field(on: grid),
                startTime: 0.41, rigor: configuration.rigor, threads: configuration.threads)
            return Kernel(
                kind: kind, configuration: configuration, stepper: solver, body: { solver.step(by: timeStep) },
                observe: { solver.health().mass })
        case .exactLinear:
            let propagator = try ExactLinearPropagator(
                process: process, initialDensity: density, rigor: configuration.rigor, threads: configuration.threads)
            var last = density
            return Kernel(
                kind: kind, configuration: configuration, stepper: propagator,
                body: { last = propagator.density(at: 0.7) }, observe: { last.values[0] })
        case .normals, .finiteDataScore:
            fatalError("handled above")
        }
    }
}

/// Transform counts of one spectral step: four drift evaluations, each one c2r and d r2c (one per axis).
public enum SpectralStepCost {
    public static let driftEvaluations = 4

    public static func backwardTransforms(dimension: Int) -> Int { driftEvaluations }

    public static func forwardTransforms(dimension: Int) -> Int { driftEvaluations * dimension }

    /// (c2r + r2c) / 2: 4 in 1-D, 6 in 2-D, 8 in 3-D.
    public static func pairEquivalents(dimension: Int) -> Double {
        Double(backwardTransforms(dimension: dimension) + forwardTransforms(dimension: dimension)) / 2
    }
}

// One call of each solver kernel per benchmark iteration: the bare FFTW pair, the spectral IF-RK4 and Strang
// steps, the finite-volume TR-BDF2 step. Kernels are built in `setup` (FFTW planning and sampling the initial
// mixture are not measured). FFTW plans with the solvers' default rigor, estimate, unless
// FPLAB_BENCHMARK_RIGOR=measure (or patient) is set.
// Run: swift package --package-path Benchmarks benchmark --target SolverStepBenchmarks
import Benchmark
import SolverKernels

/// Registers one benchmark that calls `kind` once per iteration.
private func register(_ kind: KernelKind, _ configuration: KernelConfiguration, note: String = "") {
    let name =
        "\(kind.rawValue) \(configuration.dimension)-D "
        + "\(configuration.sizeLabel)\(note)\(configuration.variantLabel)"
    Benchmark(name) { benchmark, kernel in
        for _ in benchmark.scaledIterations {
            kernel.run()
        }
        blackHole(kernel.observation)
    } setup: {
        try Kernel.make(kind, configuration: configuration)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: BenchmarkMetric.default,
        warmupIterations: 2,
        maxDuration: .seconds(3),
        maxIterations: 500
    )

    let rigor = KernelConfiguration.environmentRigor
    let oneDimensional = KernelConfiguration(dimension: 1, points: 1 << 16, rigor: rigor)
    let twoDimensional = KernelConfiguration(dimension: 2, points: 1024, rigor: rigor)
    let twoDimensionalTwoThreads = KernelConfiguration(dimension: 2, points: 1024, threads: 2, rigor: rigor)

    // (a) bare FFTW r2c + c2r pair
    register(.transformPair, oneDimensional)
    register(.transformPair, twoDimensional)
    register(.transformPair, twoDimensionalTwoThreads)
    // (b) spectral integrating-factor RK4 step (4 drift evaluations: 1-D 8 transforms, 2-D 12)
    register(.spectralIntegratingFactorRK4, oneDimensional)
    register(.spectralIntegratingFactorRK4, twoDimensional)
    register(.spectralIntegratingFactorRK4, twoDimensionalTwoThreads)
    // (c) spectral Strang step
    register(.spectralStrang, twoDimensional)
    // (d) finite-volume TR-BDF2 step, reflecting walls (no FFTW)
    register(.finiteVolumeTRBDF2, KernelConfiguration(dimension: 1, points: 1 << 16), note: " reflecting")
    register(.finiteVolumeTRBDF2, KernelConfiguration(dimension: 2, points: 512), note: " reflecting")
}

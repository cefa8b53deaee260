// (e) One spectral IF-RK4 step at 2048^2 with the memory metrics, in a target of its own so that its peak
// resident memory is this solver's: four spectra and two real arrays (about 200 MB), the initial field (34 MB)
// and the runtime. FPLAB_BENCHMARK_RIGOR as in SolverStepBenchmarks.
// Run: swift package --package-path Benchmarks benchmark --target SpectralMemoryBenchmarks
import Benchmark
import SolverKernels

let benchmarks: @Sendable () -> Void = {
    // The default metrics plus the memory ones, each once (the two sets share the malloc counters).
    var metrics = BenchmarkMetric.default
    for metric in BenchmarkMetric.memory where !metrics.contains(metric) { metrics.append(metric) }
    let rigor = KernelConfiguration.environmentRigor
    for threads in [1, 2] {
        let configuration = KernelConfiguration(dimension: 2, points: 2048, threads: threads, rigor: rigor)
        Benchmark(
            "spectral-if-rk4 2-D 2048^2\(configuration.variantLabel)",
            configuration: .init(
                metrics: metrics,
                units: [.peakMemoryResident: .mega, .peakMemoryResidentDelta: .mega, .peakMemoryVirtual: .mega],
                warmupIterations: 1,
                maxDuration: .seconds(5),
                maxIterations: 100
            )
        ) { benchmark, kernel in
            for _ in benchmark.scaledIterations {
                kernel.run()
            }
            blackHole(kernel.observation)
        } setup: {
            try Kernel.make(.spectralIntegratingFactorRK4, configuration: configuration)
        }
    }
}

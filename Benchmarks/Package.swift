// swift-tools-version:6.1
// Benchmarks for FokkerPlanckLab, in their own package so that the benchmark framework never becomes a dependency
// of the library (swift-collections does the same). Run from the repository root:
//   swift package --package-path Benchmarks benchmark
//   swift build -c release --package-path Benchmarks --product fplab-kernels
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, so the parent package is named after wherever the
// repository happens to be checked out.
let parentDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let parentIdentity = parentDirectory.lastPathComponent

let package = Package(
    name: "FokkerPlanckLabBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        // Only the malloc interposer trait: the default traits pull a package the local mirror lacks.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The kernels every benchmark times (FFTW pair, spectral steps, finite-volume steps), built one way.
        .target(
            name: "SolverKernels",
            dependencies: [.product(name: "FokkerPlanckLab", package: parentIdentity)],
            path: "Sources/SolverKernels"
        ),
        // Plain timing executable: best of R repetitions on a monotonic clock, one JSON object out.
        .executableTarget(
            name: "fplab-kernels",
            dependencies: ["SolverKernels"],
            path: "Sources/fplab-kernels"
        ),
        // ordo-one/benchmark suites (sources under Benchmarks/<Target>/, as the plugin expects).
        .executableTarget(
            name: "SolverStepBenchmarks",
            dependencies: [
                "SolverKernels",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SolverStepBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The 2048^2 spectral step alone, in its own process, so its peak resident memory is not mixed with
        // other benchmarks' buffers.
        .executableTarget(
            name: "SpectralMemoryBenchmarks",
            dependencies: [
                "SolverKernels",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SpectralMemoryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

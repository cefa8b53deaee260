// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "FokkerPlanckLab",
    products: [
        .library(name: "FokkerPlanckLab", targets: ["FokkerPlanckLab"]),
        .executable(name: "fplab", targets: ["fplab"]),
        // The subcommands as a library, for the fuzz targets in Fuzz/ (FuzzEntryPoints).
        .library(name: "FPLabCommandLine", targets: ["FPLabCommandLine"]),
    ],
    // Off by default: `swift build --traits MPI` links Open MPI and FFTW's MPI interface (Debian: libopenmpi-dev,
    // openmpi-bin, libfftw3-mpi-dev), and `mpirun -n R fplab …` then runs the distributed commands on R ranks.
    traits: [
        .trait(name: "MPI", description: "Run on several ranks through Open MPI and FFTW-MPI (mpirun -n R fplab …).")
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // FFTW 3 from the system (Debian: libfftw3-dev), double precision plus its threads library.
        .systemLibrary(
            name: "CFFTW",
            pkgConfig: "fftw3",
            providers: [.apt(["libfftw3-dev"])]
        ),
        // OpenBLAS from the system (Debian: libopenblas-dev): dgemm for the score networks.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Open MPI and FFTW-MPI from the system, only with the MPI trait.
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "libfftw3-mpi-dev"])]
        ),
        // The few MPI and FFTW-MPI calls fplab makes, behind functions without MPI's types (compiled empty without
        // the MPI trait).
        .target(
            name: "CMessagePassing",
            dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"]))],
            cSettings: [.define("FOKKER_PLANCK_LAB_MPI", .when(traits: ["MPI"]))],
            linkerSettings: [.linkedLibrary("fftw3_mpi", .when(traits: ["MPI"]))]
        ),
        // The ranks of a run (MPI_COMM_WORLD, or one rank without MPI) with exact reductions, and exact sums.
        .target(name: "MessagePassing", dependencies: ["CMessagePassing"]),
        // The finite-data score's vector kernels in C (exponential, softmax rows), compiled for baseline x86-64 and
        // for AVX2, chosen at run time; both give the same bits.
        .target(name: "CVectorMath"),
        // Guards on every input: bounded file reads, strict numbers, checked sizes, memory and work limits,
        // interruption-safe writes.
        .target(name: "Safeguards"),
        // Deterministic parallel loops: fixed blocks (one random stream each) and pointwise row/column blocks.
        .target(name: "ParallelLoops"),
        // The formats fplab reads and writes: NumPy `.npy` arrays, point sets (CSV or `.npy`), tables (text,
        // Markdown, CSV, JSON, LaTeX), the one CSV reader, and JSON (writer and strict reader).
        .target(name: "DataFiles", dependencies: ["Safeguards"]),
        // Plan-once/execute-many FFTW wrappers: real-to-complex, cosine; the planner lock, threads, wisdom.
        .target(name: "SpectralTransforms", dependencies: ["CFFTW", "Safeguards"]),
        // Uniform cell-centred grids on [-L, L]^d and the fields that live on them.
        .target(name: "GridFields"),
        // Forward SDE models (OU, VP, VE, linear, general drift), the Gaussian mixtures with their exact evolved
        // laws and their fields on a grid.
        .target(
            name: "DiffusionModels",
            dependencies: [
                "Safeguards", "GridFields", "ParallelLoops", .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // Seeded, splittable random streams (xoshiro256**, SplitMix64 hashing) and ziggurat normals.
        .target(name: "RandomStreams"),
        // Score fields below both the grid solvers and the particles: exact mixture, finite-data, grid and
        // imperfect scores, and the score-guided reverse-time process that both consume.
        .target(
            name: "Scores", dependencies: ["CBLAS", "CVectorMath", "DiffusionModels", "GridFields", "RandomStreams"]),
        // Forward Fokker–Planck solvers (spectral, finite volume) and the run loop that drives them.
        .target(
            name: "DensitySolvers",
            dependencies: ["SpectralTransforms", "GridFields", "DiffusionModels", "ParallelLoops", "Safeguards"]
        ),
        // The particle core: SDE/ODE integrators, time grids, histograms on the solver's grid.
        .target(
            name: "ParticleSampling",
            dependencies: ["RandomStreams", "DiffusionModels", "Scores", "GridFields", "ParallelLoops", "Safeguards"]
        ),
        // Seeded datasets (Swiss roll with its curve geometry, moons, mixtures, square, two intervals), loading with
        // validation, and point-set metrics: nearest-training-point distances, sliced Wasserstein-2, coverage.
        .target(
            name: "Datasets",
            dependencies: [
                "RandomStreams", "DiffusionModels", "DataFiles", "ParallelLoops", "SampleStatistics", "Safeguards",
            ]
        ),
        // The finite-data experiments: memorization, endpoint frequencies, Voronoi cells, imperfect scores.
        .target(
            name: "Memorization",
            dependencies: [
                "Datasets", "DataFiles", "ParticleSampling", "Scores", "DiffusionModels", "RandomStreams",
                "SampleStatistics", "ScoreNetworks", "Safeguards", "MessagePassing",
            ]
        ),
        // Backward heat and backward Fokker–Planck inversion: the naive spectral inversion, its blow-up measured,
        // and the regularized inversions beside it.
        .target(
            name: "InverseHeat",
            dependencies: ["SpectralTransforms", "GridFields", "DiffusionModels", "RandomStreams", "Safeguards"]
        ),
        // Back from rho_T to rho_0: the completed score-guided reverse Fokker–Planck solver, the four-way contrast
        // (naive inversion, reverse PDE, reverse-SDE and probability-flow particles), support containment.
        .target(
            name: "Reconstruction",
            dependencies: [
                "GridFields", "DiffusionModels", "Scores", "DensitySolvers", "ParticleSampling", "InverseHeat",
                "RandomStreams", "Safeguards",
            ]
        ),
        // Goodness-of-fit tests (chi-square, Kolmogorov–Smirnov) and the special functions behind their p-values.
        .target(name: "SampleStatistics"),
        // Grid densities against particle histograms of the same SDE: distances, goodness-of-fit tests, the
        // multinomial sampling level and the decay exponent in the particle count.
        .target(
            name: "CrossChecks",
            dependencies: [
                "GridFields", "DiffusionModels", "Scores", "DensitySolvers", "ParticleSampling", "RandomStreams",
                "SampleStatistics", "Safeguards",
            ]
        ),
        // Score networks: an MLP predicting the noise from (x, time embedding), trained by denoising score matching
        // with Adam (backpropagation through dgemm or sgemm), checkpoints, and the network as a score provider.
        .target(
            name: "ScoreNetworks",
            dependencies: [
                "CBLAS", "CVectorMath", "DiffusionModels", "Scores", "DataFiles", "ParticleSampling", "ParallelLoops",
                "RandomStreams", "Safeguards",
            ]
        ),
        // Runs split over ranks: the sharded empirical score and its collapse run.
        .target(
            name: "DistributedRuns",
            dependencies: [
                "MessagePassing", "CMessagePassing", "Scores", "DiffusionModels", "ParticleSampling", "RandomStreams",
                "ParallelLoops", "Memorization", "GridFields", "SpectralTransforms",
            ]
        ),
        // SVG figures drawn by the project itself: line plots with log axes, heat maps, scatter plots.
        .target(name: "Figures", dependencies: ["Safeguards"]),
        // `fplab verify`: every claim the project checks, each measured against theory, with a verdict.
        .target(
            name: "Verification",
            dependencies: [
                "GridFields", "DataFiles", "DiffusionModels", "Scores", "DensitySolvers", "RandomStreams",
                "ParticleSampling", "InverseHeat", "Figures", "CrossChecks", "Datasets", "Memorization",
                "Reconstruction", "SampleStatistics", "ScoreNetworks", "MessagePassing",
            ]
        ),
        // Results on disk: output folders written all-or-nothing, manifests, the `fplab verify --output` archive
        // and its comparison with committed data (`--compare`).
        .target(
            name: "Reporting", dependencies: ["DataFiles", "Figures", "Safeguards", "Verification", "MessagePassing"]),
        .target(
            name: "Experiments",
            dependencies: [
                "Safeguards", "DataFiles", "SpectralTransforms", "GridFields", "DiffusionModels", "Scores",
                "DensitySolvers", "RandomStreams", "ParticleSampling", "InverseHeat", "SampleStatistics", "CrossChecks",
                "Datasets", "Memorization", "Reconstruction", "ScoreNetworks", "Figures", "Reporting",
                "MessagePassing", "DistributedRuns",
            ]
        ),
        // The library as one import.
        .target(
            name: "FokkerPlanckLab",
            dependencies: [
                "Safeguards", "DataFiles", "SpectralTransforms", "GridFields", "DiffusionModels",
                "Scores", "DensitySolvers", "RandomStreams", "ParticleSampling", "InverseHeat", "SampleStatistics",
                "CrossChecks",
                "Datasets", "Memorization", "Reconstruction", "ScoreNetworks", "Figures", "Verification", "Reporting",
                "Experiments", "MessagePassing", "DistributedRuns",
            ]
        ),
        // The `fplab` subcommands: options in, library call, results out.
        .target(
            name: "FPLabCommandLine",
            dependencies: [
                "FokkerPlanckLab",
                "Safeguards",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "fplab", dependencies: ["FPLabCommandLine"]),
        .testTarget(name: "SafeguardsTests", dependencies: ["Safeguards"]),
        .testTarget(name: "SpectralTransformsTests", dependencies: ["SpectralTransforms"]),
        .testTarget(name: "ParallelLoopsTests", dependencies: ["ParallelLoops"]),
        .testTarget(name: "DataFilesTests", dependencies: ["DataFiles"]),
        .testTarget(name: "GridFieldsTests", dependencies: ["GridFields"]),
        .testTarget(name: "DiffusionModelsTests", dependencies: ["DiffusionModels", "GridFields"]),
        .testTarget(name: "DensitySolversTests", dependencies: ["DensitySolvers", "DiffusionModels", "GridFields"]),
        .testTarget(name: "RandomStreamsTests", dependencies: ["RandomStreams"]),
        .testTarget(
            name: "ScoresTests",
            dependencies: [
                "Scores", "CVectorMath", "RandomStreams", "DensitySolvers", "DiffusionModels", "GridFields",
                "ParticleSampling",
            ]),
        .testTarget(
            name: "ParticleSamplingTests",
            dependencies: ["ParticleSampling", "DiffusionModels", "GridFields", "RandomStreams", "Scores"]),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["Datasets", "DataFiles", "DiffusionModels", "ParticleSampling", "RandomStreams"]),
        .testTarget(
            name: "MemorizationTests",
            dependencies: [
                "Memorization", "DataFiles", "Datasets", "ParticleSampling", "RandomStreams", "SampleStatistics",
                "MessagePassing", "Safeguards",
            ]),
        .testTarget(
            name: "InverseHeatTests",
            dependencies: ["InverseHeat", "DensitySolvers", "DiffusionModels", "GridFields", "RandomStreams"]),
        .testTarget(
            name: "ReconstructionTests",
            dependencies: [
                "Reconstruction", "DensitySolvers", "DiffusionModels", "GridFields", "InverseHeat", "ParticleSampling",
                "Scores",
            ]),
        .testTarget(name: "SampleStatisticsTests", dependencies: ["SampleStatistics"]),
        .testTarget(
            name: "CrossChecksTests",
            dependencies: [
                "CrossChecks", "DensitySolvers", "DiffusionModels", "GridFields", "ParticleSampling", "RandomStreams",
            ]),
        .testTarget(
            name: "ScoreNetworksTests",
            dependencies: [
                "ScoreNetworks", "DataFiles", "Datasets", "DiffusionModels", "ParticleSampling", "RandomStreams",
                "Scores",
            ]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"]),
        .testTarget(
            name: "DistributedRunsTests",
            dependencies: ["DistributedRuns", "MessagePassing", "Scores", "Memorization"]),
        .testTarget(
            name: "VerificationTests",
            dependencies: ["Verification", "DataFiles", "Datasets", "Figures", "ParticleSampling", "Scores"]),
        .testTarget(
            name: "FPLabCommandLineTests",
            dependencies: ["FPLabCommandLine", "RandomStreams", "FokkerPlanckLab", "fplab"]),
    ]
)

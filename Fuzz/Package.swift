// swift-tools-version:6.1
// Coverage-guided fuzz targets (libFuzzer) for every parser of fplab's input: JSON configurations and manifests,
// CSV and .npy point files, .npy arrays of `verify --compare`, network checkpoints and mixture specifications.
// Each target hands libFuzzer's bytes to one `FuzzEntryPoints` function of the main package; only a trap, a hang
// (-timeout) or a runaway allocation (-rss_limit_mb) counts as a finding. Built only with the fuzzer runtime:
//   Fuzz/run [SECONDS]      (builds, then runs each target for SECONDS, default 30, from Fuzz/corpus/<target>)
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name (see Benchmarks/Package.swift).
let parentDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let parentIdentity = parentDirectory.lastPathComponent

let fuzzTargets = ["json-configuration", "point-file", "numpy-array", "checkpoint", "mixture-specification"]

let package = Package(
    name: "FokkerPlanckLabFuzz",
    dependencies: [.package(path: "..")],
    targets: fuzzTargets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "FPLabCommandLine", package: parentIdentity)],
            path: "Sources/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)

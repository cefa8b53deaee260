// swift-tools-version:6.1
// Coverage-guided fuzz targets (libFuzzer) for every parser of fplab's input: JSON configurations and manifests,
// CSV and .npy point files, .npy arrays of `verify --compare`, network checkpoints and mixture specifications.
// Each target hands libFuzzer's bytes to one `FuzzEntryPoints` function of the main package; only a trap, a hang
// (-timeout) or a runaway allocation (-rss_limit_mb) counts as a finding. Each target's main hands control to
// libFuzzer's driver (`LLVMFuzzerRunDriver`, declared in CFuzzer). Built only with the fuzzer runtime:
//   Fuzz/run [SECONDS]      (builds with -sanitize=fuzzer -use-ld=lld, then runs each target for SECONDS,
//                            default 30, from its seeds in Fuzz/corpus/<target>)
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name (see Benchmarks/Package.swift).
let parentDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let parentIdentity = parentDirectory.lastPathComponent

let fuzzTargets = ["json-configuration", "point-file", "numpy-array", "checkpoint", "mixture-specification"]

let package = Package(
    name: "FokkerPlanckLabFuzz",
    dependencies: [.package(path: "..")],
    targets: [.systemLibrary(name: "CFuzzer", path: "Sources/CFuzzer")]
        + fuzzTargets.map { name in
            .executableTarget(
                name: "fuzz-\(name)",
                dependencies: ["CFuzzer", .product(name: "FPLabCommandLine", package: parentIdentity)],
                path: "Sources/\(name)"
            )
        }
)

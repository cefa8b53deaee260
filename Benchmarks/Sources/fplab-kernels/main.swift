// fplab-kernels: times the solver kernels without a benchmark framework and prints one JSON object.
//
// Each kernel is built (plans, initial mixture), run `--warmup` times, then timed `--repetitions` times one call
// at a time on CLOCK_MONOTONIC; the best time is the figure to compare (the machine is shared and noisy), the
// median is reported beside it. Derived ratios relate the spectral step to the bare FFTW pair. For the
// `finite-data-score` kernel `--points` is the number N of training points and `--dimension` their dimension d
// (up to 4096); its derived figure is the Gflop/s of its two matrix products.
//
//   fplab-kernels [--points 1024] [--dimension 2] [--repetitions 10] [--warmup 2] [--threads 1]
//                 [--rigor estimate|measure|patient] [--kernels fftw-pair,fftw-r2c,spectral-if-rk4,...]
//                 [--time-step 0.001] [--half-width 8] [--no-peak-reset]
//                 [--dump-steps N --dump-prefix PATH]   (writes PATH.initial.f64 and PATH.final.f64: the IF-RK4
//                                                        density before and after N steps, raw little-endian
//                                                        doubles, for the Python cross-check)
//
// Memory: the resident high-water mark (VmHWM) is reset before each kernel's set-up and again before its timed
// calls, so the JSON gives both peaks per kernel. Resetting also resets what `/usr/bin/time -v` reports as the
// maximum resident size (it then covers only the last phase); pass --no-peak-reset to leave the mark alone.
import FokkerPlanckLab
import Foundation
import SolverKernels

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var configuration = KernelConfiguration(dimension: 2, points: 1024)
    var repetitions = 10
    var warmup = 2
    var kernels: [KernelKind] = KernelKind.allCases
    var dumpSteps = 0
    var dumpPrefix: String?
    var resetsPeak = true

    static let usage = """
        usage: fplab-kernels [--points N] [--dimension 1|2|3] [--repetitions R] [--warmup W] [--threads T]
                             [--rigor estimate|measure|patient] [--kernels k1,k2,...] [--time-step H] [--half-width L]
                             [--dump-steps N --dump-prefix PATH] [--no-peak-reset]
        kernels: \(KernelKind.allCases.map(\.rawValue).joined(separator: ", "))
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError("\(name) needs a value") }
            return arguments[index]
        }
        func integer(_ name: String, minimum: Int) throws -> Int {
            let text = try value(name)
            guard let number = Int(text), number >= minimum else {
                throw UsageError("\(name) must be an integer of at least \(minimum), got '\(text)'")
            }
            return number
        }
        func real(_ name: String) throws -> Double {
            let text = try value(name)
            guard let number = Double(text), number > 0, number.isFinite else {
                throw UsageError("\(name) must be a positive number, got '\(text)'")
            }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--points": options.configuration.points = try integer(argument, minimum: 2)
            case "--dimension":
                options.configuration.dimension = try integer(argument, minimum: 1)
                guard options.configuration.dimension <= 4096 else { throw UsageError("--dimension is at most 4096") }
            case "--repetitions": options.repetitions = try integer(argument, minimum: 1)
            case "--warmup": options.warmup = try integer(argument, minimum: 0)
            case "--threads": options.configuration.threads = try integer(argument, minimum: 1)
            case "--rigor":
                let text = try value(argument)
                guard let rigor = PlanningRigor(rawValue: text) else {
                    throw UsageError("--rigor must be one of \(PlanningRigor.allCases.map(\.rawValue)), got '\(text)'")
                }
                options.configuration.rigor = rigor
            case "--kernels":
                let text = try value(argument)
                options.kernels = try text.split(separator: ",").map { name in
                    guard let kind = KernelKind(rawValue: String(name)) else {
                        throw UsageError(
                            "unknown kernel '\(name)'; known: "
                                + "\(KernelKind.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    return kind
                }
            case "--time-step": options.configuration.timeStep = try real(argument)
            case "--half-width": options.configuration.halfWidth = try real(argument)
            case "--dump-steps": options.dumpSteps = try integer(argument, minimum: 0)
            case "--dump-prefix": options.dumpPrefix = try value(argument)
            case "--no-peak-reset": options.resetsPeak = false
            case "--help", "-h":
                print(usage)
                exit(0)
            default:
                throw UsageError("unknown option '\(argument)'")
            }
            index += 1
        }
        if options.configuration.dimension > 3 && options.kernels.contains(where: { $0 != .finiteDataScore }) {
            throw UsageError(
                "--dimension must be 1, 2 or 3 for the grid kernels (above 3: --kernels finite-data-score)")
        }
        if options.dumpSteps > 0 && options.dumpPrefix == nil {
            throw UsageError("--dump-steps needs --dump-prefix")
        }
        return options
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Seconds on CLOCK_MONOTONIC.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Resident-memory figures from /proc/self (Linux); nil elsewhere.
enum ResidentMemory {
    /// Resets the high-water mark VmHWM to the current resident size (writes 5 to /proc/self/clear_refs).
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }

    /// VmHWM (peak) or VmRSS (current), in bytes.
    static func bytes(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kilobytes = Int(parts[1]) { return kilobytes * 1024 }
        }
        return nil
    }
}

struct KernelTiming: Encodable {
    var size: String
    /// Best of the timed repetitions: the figure to compare.
    var secondsPerCall: Double
    var medianSeconds: Double
    var worstSeconds: Double
    var repetitions: Int
    /// Building the kernel: FFTW planning and sampling the initial mixture.
    var setupSeconds: Double
    /// Resident memory after set-up, and the peaks during set-up and during the timed calls (bytes; the whole
    /// process, so they include the executable and the runtime, about 10 MB).
    var residentAfterSetupBytes: Int?
    var setupPeakResidentBytes: Int?
    var runPeakResidentBytes: Int?
    var observation: Double
}

struct Derived: Encodable {
    /// Spectral IF-RK4 step / FFTW pair (the project's target: at most 1.3).
    var spectralStepPerPair: Double?
    var strangStepPerPair: Double?
    /// Transforms in one spectral step: 4 drift evaluations, each 1 c2r and d r2c.
    var backwardTransformsPerStep: Int
    var forwardTransformsPerStep: Int
    /// (c2r + r2c count) / 2: 4 in 1-D, 6 in 2-D.
    var pairEquivalentsPerStep: Double
    /// Step / (pair-equivalents x pair): 1 means no cost beyond the transforms.
    var spectralStepPerPairEquivalent: Double?
    /// c2r time estimated as pair - r2c; the step's transform time from the measured r2c and c2r.
    var forwardSeconds: Double?
    var backwardSecondsEstimate: Double?
    var transformSecondsPerStepEstimate: Double?
    /// Step minus its transforms: the pointwise work (diffusion factors, combinations, drift products).
    var pointwiseSecondsPerStep: Double?
    var pointwiseFractionOfStep: Double?
    /// reverse-pde-step / spectral-if-rk4 (target: at most 2).
    var reverseStepPerForwardStep: Double?
    /// finite-data-score: its two matrix products' flops (4 M N d) over the call's time, in Gflop/s (compare with
    /// the bare dgemm rate of `scripts/score_dgemm_rate.py`).
    var finiteDataScoreGigaflops: Double?
}

struct ConfigurationRecord: Encodable {
    var dimension: Int
    var points: Int
    var halfWidth: Double
    var threads: Int
    var rigor: String
    var timeStep: Double
    var repetitions: Int
    var warmup: Int
    var library: String
    var mixture: String
    var process: String
    var clock: String
}

struct Report: Encodable {
    var configuration: ConfigurationRecord
    var kernels: [String: KernelTiming]
    var derived: Derived
    /// The largest resident size seen (the high-water mark is reset between phases; this is their maximum).
    var peakResidentBytes: Int?
}

func time(_ kind: KernelKind, options: Options) throws -> KernelTiming {
    if options.resetsPeak { ResidentMemory.resetPeak() }
    let setupStart = monotonicSeconds()
    let kernel = try Kernel.make(kind, configuration: options.configuration)
    let setupSeconds = monotonicSeconds() - setupStart
    let setupPeak = ResidentMemory.bytes("VmHWM")
    let afterSetup = ResidentMemory.bytes("VmRSS")
    if options.resetsPeak { ResidentMemory.resetPeak() }
    for _ in 0..<options.warmup { kernel.run() }
    var samples: [Double] = []
    samples.reserveCapacity(options.repetitions)
    for _ in 0..<options.repetitions {
        let start = monotonicSeconds()
        kernel.run()
        samples.append(monotonicSeconds() - start)
    }
    let runPeak = ResidentMemory.bytes("VmHWM")
    let sorted = samples.sorted()
    return KernelTiming(
        size: options.configuration.sizeLabel,
        secondsPerCall: sorted[0],
        medianSeconds: sorted[sorted.count / 2],
        worstSeconds: sorted[sorted.count - 1],
        repetitions: options.repetitions,
        setupSeconds: setupSeconds,
        residentAfterSetupBytes: afterSetup,
        setupPeakResidentBytes: setupPeak,
        runPeakResidentBytes: runPeak,
        observation: kernel.observation
    )
}

/// Writes the IF-RK4 density before and after `steps` steps (raw doubles, row-major).
func dumpDensities(options: Options, prefix: String) throws {
    let kernel = try Kernel.make(.spectralIntegratingFactorRK4, configuration: options.configuration)
    let stepper = kernel.stepper!
    func write(_ field: Field, to path: String) throws {
        let data = field.values.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }
    try write(stepper.currentDensity(), to: prefix + ".initial.f64")
    for _ in 0..<options.dumpSteps { kernel.run() }
    try write(stepper.currentDensity(), to: prefix + ".final.f64")
}

func derive(_ timings: [KernelKind: KernelTiming], dimension: Int, points: Int) -> Derived {
    let pair = timings[.transformPair]?.secondsPerCall
    let forward = timings[.forwardTransform]?.secondsPerCall
    let step = timings[.spectralIntegratingFactorRK4]?.secondsPerCall
    let strang = timings[.spectralStrang]?.secondsPerCall
    let backwardCount = SpectralStepCost.backwardTransforms(dimension: dimension)
    let forwardCount = SpectralStepCost.forwardTransforms(dimension: dimension)
    let equivalents = SpectralStepCost.pairEquivalents(dimension: dimension)
    var derived = Derived(
        backwardTransformsPerStep: backwardCount, forwardTransformsPerStep: forwardCount,
        pairEquivalentsPerStep: equivalents)
    if let pair, let step {
        derived.spectralStepPerPair = step / pair
        derived.spectralStepPerPairEquivalent = step / (equivalents * pair)
    }
    if let pair, let strang { derived.strangStepPerPair = strang / pair }
    if let step, let reverse = timings[.reversePDEStep]?.secondsPerCall {
        derived.reverseStepPerForwardStep = reverse / step
    }
    if let score = timings[.finiteDataScore]?.secondsPerCall {
        derived.finiteDataScoreGigaflops =
            FiniteDataScoreShape.matrixProductFlops(trainingPoints: points, dimension: dimension) / score / 1e9
    }
    if let pair, let forward {
        let backward = max(pair - forward, 0)
        derived.forwardSeconds = forward
        derived.backwardSecondsEstimate = backward
        let transforms = Double(forwardCount) * forward + Double(backwardCount) * backward
        derived.transformSecondsPerStepEstimate = transforms
        if let step {
            derived.pointwiseSecondsPerStep = step - transforms
            derived.pointwiseFractionOfStep = (step - transforms) / step
        }
    }
    return derived
}

func main() -> Int32 {
    let options: Options
    do {
        options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("fplab-kernels: \(error)\n\(Options.usage)\n".utf8))
        return 2
    }
    do {
        if let prefix = options.dumpPrefix, options.dumpSteps > 0 {
            try dumpDensities(options: options, prefix: prefix)
        }
        var timings: [KernelKind: KernelTiming] = [:]
        for kind in options.kernels {
            timings[kind] = try time(kind, options: options)
        }
        let configuration = options.configuration
        let report = Report(
            configuration: ConfigurationRecord(
                dimension: configuration.dimension,
                points: configuration.points,
                halfWidth: configuration.halfWidth,
                threads: configuration.threads,
                rigor: configuration.rigor.rawValue,
                timeStep: configuration.timeStep,
                repetitions: options.repetitions,
                warmup: options.warmup,
                library: fokkerPlanckLabVersion,
                mixture: BenchmarkDensity.specification(dimension: configuration.dimension),
                process: "ou",
                clock: "CLOCK_MONOTONIC, best of repetitions"
            ),
            kernels: Dictionary(uniqueKeysWithValues: timings.map { ($0.key.rawValue, $0.value) }),
            derived: derive(timings, dimension: configuration.dimension, points: configuration.points),
            peakResidentBytes: timings.values.flatMap { [$0.setupPeakResidentBytes, $0.runPeakResidentBytes] }
                .compactMap { $0 }.max()
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(report)
        print(String(decoding: data, as: UTF8.self))
        return 0
    } catch {
        FileHandle.standardError.write(Data("fplab-kernels: \(error)\n".utf8))
        return 1
    }
}

exit(main())

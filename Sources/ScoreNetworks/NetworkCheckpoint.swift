import Foundation
import Safeguards

/// Why a checkpoint could not be read or written; `description` is one sentence naming the file.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Saving and loading a `TrainingState` (network, Adam moments, step, loss history) in a small binary format.
///
/// Layout (all numbers little-endian):
///
/// | bytes | content |
/// |---|---|
/// | 8 | magic "FPLABNET" |
/// | 4 | format version (UInt32, currently 1) |
/// | 4 | header length H (UInt32) |
/// | H | header: JSON (UTF-8), its fields below |
/// | 8 P | parameters (Float64) |
/// | 8 P | Adam first moments |
/// | 8 P | Adam second moments |
/// | 8 L | loss history |
/// | 8 | FNV-1a 64 checksum of every byte before it |
///
/// The header: JSON (UTF-8) with `architecture` (dimension, width, depth, activation, embedding), `schedule`,
/// `configuration` (batch, learning rate, Adam constants, seed), `step`, `parameter_count`, `loss_count`, and
/// `training_data` (count, dimension, hash: `TrainingDataFingerprint`) when known.
///
/// The Float64 arrays are stored bit for bit, so a round trip is exact. Reading checks the magic, the version,
/// the header, the exact file length (a truncated or padded file is refused) and the checksum (a flipped byte
/// is refused), then every value (`validate`), and says which. Writing is atomic: a temporary file in the same
/// directory, renamed over the target, so an interrupted save never leaves a half-written checkpoint nor a
/// temporary (`save`). Cost O(P + L).
public enum NetworkCheckpoint {
    public static let magic = Array("FPLABNET".utf8)
    public static let version: UInt32 = 1

    struct Header: Codable {
        var architecture: NetworkArchitecture
        var schedule: NoiseSchedule
        var configuration: TrainingConfiguration
        var step: Int
        var parameterCount: Int
        var lossCount: Int
        /// Absent in checkpoints written before the fingerprint was recorded (then nil).
        var trainingData: TrainingDataFingerprint?

        enum CodingKeys: String, CodingKey {
            case architecture, schedule, configuration, step
            case parameterCount = "parameter_count"
            case lossCount = "loss_count"
            case trainingData = "training_data"
        }
    }

    /// The longest header read: 1 MiB. A header is a few hundred bytes of JSON (the architecture, schedule,
    /// configuration, counts and fingerprint); the bound keeps a corrupted length from slicing gigabytes.
    public static let headerByteLimit = 1 << 20

    /// The ranges a checkpoint's numbers must lie in to be used (those `fplab train` accepts, and Adam's own):
    /// batch 1 to 10⁶, learning rate in (0, 1], β₁ and β₂ in [0, 1) (a decay of 1 never forgets, above 1 diverges),
    /// ε_Adam in (0, 1] (it only guards a division), at most 10⁷ updates with one loss recorded per update.
    public static let batchRange = 1...1_000_000
    public static let stepRange = 0...10_000_000

    /// The checkpoint's bytes; throws `CheckpointError` when the header cannot be encoded (a non-finite constant).
    public static func encode(_ state: TrainingState) throws -> Data {
        let header = Header(
            architecture: state.network.architecture, schedule: state.network.schedule,
            configuration: state.configuration, step: state.step,
            parameterCount: state.network.parameters.count, lossCount: state.lossHistory.count,
            trainingData: state.trainingData)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes: [UInt8]
        do { headerBytes = [UInt8](try encoder.encode(header)) } catch {
            throw CheckpointError("the checkpoint header cannot be written (\(error.localizedDescription)).")
        }
        var bytes = magic
        append(version, to: &bytes)
        append(UInt32(headerBytes.count), to: &bytes)
        bytes += headerBytes
        for array in [state.network.parameters, state.firstMoments, state.secondMoments, state.lossHistory] {
            bytes.reserveCapacity(bytes.count + 8 * array.count)
            for value in array { append(value.bitPattern, to: &bytes) }
        }
        append(checksum(bytes[...]), to: &bytes)
        return Data(bytes)
    }

    /// The state stored in `data`; `name` (the file) appears in the errors. Everything is checked before the state
    /// is built: the signature, version, header length and JSON, every count against the architecture (with
    /// `CheckedSize`), the exact file length, the checksum, then every value (`validate`).
    public static func decode(_ data: Data, name: String) throws -> TrainingState {
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else {
            throw CheckpointError("'\(name)' is not a network checkpoint (no FPLABNET signature).")
        }
        let fileVersion = readUInt32(bytes, at: 8)
        guard fileVersion == version else {
            throw CheckpointError(
                "'\(name)': checkpoint format version \(fileVersion) is not "
                    + "supported (this build reads version \(version))."
            )
        }
        let headerLength = Int(readUInt32(bytes, at: 12))
        guard headerLength <= headerByteLimit else {
            throw CheckpointError(
                "'\(name)': the header length \(headerLength) exceeds the \(headerByteLimit) "
                    + "bytes allowed.")
        }
        // The header, when it can be read, gives the expected length;
        // the checksum decides whether the bytes are intact.
        var header: Header?
        if bytes.count >= 16 + headerLength {
            header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        }
        let expected = header.flatMap { expectedLength(of: $0, headerLength: headerLength) }
        let intact =
            bytes.count >= 24 && checksum(bytes[0..<(bytes.count - 8)]) == readUInt64(bytes, at: bytes.count - 8)
        if let expected, bytes.count < expected {
            throw CheckpointError("'\(name)' is truncated (\(bytes.count) bytes, \(expected) expected).")
        }
        if header == nil, bytes.count < 16 + headerLength {
            throw CheckpointError(
                "'\(name)' is truncated inside its header (\(bytes.count) bytes, the header ends "
                    + "at \(16 + headerLength)).")
        }
        guard intact else { throw CheckpointError("'\(name)' is corrupt (checksum mismatch).") }
        guard let header, let expected else {
            throw CheckpointError(
                "'\(name)': the checkpoint header is corrupt or inconsistent (architecture, counts or step).")
        }
        guard bytes.count == expected else {
            throw CheckpointError(
                "'\(name)' has \(bytes.count - expected) unexpected trailing bytes (\(expected) expected).")
        }
        let architecture = header.architecture
        let parameterCount = header.parameterCount
        var offset = 16 + headerLength
        func readArray(_ count: Int) -> [Double] {
            defer { offset += 8 * count }
            return (0..<count).map { Double(bitPattern: readUInt64(bytes, at: offset + 8 * $0)) }
        }
        let parameters = readArray(parameterCount)
        let first = readArray(parameterCount)
        let second = readArray(parameterCount)
        let losses = readArray(header.lossCount)
        try validate(
            header: header, parameters: parameters, firstMoments: first, secondMoments: second, losses: losses,
            name: name)
        return TrainingState(
            network: ScoreNetwork(architecture: architecture, schedule: header.schedule, parameters: parameters),
            configuration: header.configuration, firstMoments: first, secondMoments: second,
            step: header.step, lossHistory: losses, trainingData: header.trainingData)
    }

    /// Refuses a state that would load and fail later: non-finite weights or moments, a negative second moment
    /// (Adam divides by its square root), non-finite or negative losses (a mean squared error), constants outside
    /// the ranges of `batchRange`, `stepRange` and the type's documentation, a loss count other than the step, a
    /// training-data record of another dimension.
    static func validate(
        header: Header, parameters: [Double], firstMoments: [Double], secondMoments: [Double],
        losses: [Double], name: String
    ) throws {
        let configuration = header.configuration
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw CheckpointError("'\(name)': \(message()).") }
        }
        try require(
            batchRange.contains(configuration.batchSize),
            "the batch size \(configuration.batchSize) is outside 1 to \(batchRange.upperBound)")
        try require(
            configuration.learningRate > 0 && configuration.learningRate <= 1,
            "the learning rate \(configuration.learningRate) is outside (0, 1]")
        try require(
            configuration.firstMomentDecay >= 0 && configuration.firstMomentDecay < 1,
            "Adam's first-moment decay \(configuration.firstMomentDecay) is outside [0, 1)")
        try require(
            configuration.secondMomentDecay >= 0 && configuration.secondMomentDecay < 1,
            "Adam's second-moment decay \(configuration.secondMomentDecay) is outside [0, 1)")
        try require(
            configuration.adamEpsilon > 0 && configuration.adamEpsilon <= 1,
            "Adam's epsilon \(configuration.adamEpsilon) is outside (0, 1]")
        try require(stepRange.contains(header.step), "the step \(header.step) is outside 0 to \(stepRange.upperBound)")
        try require(
            header.lossCount == header.step,
            "\(header.lossCount) losses are recorded for \(header.step) updates (one per update)")
        if let data = header.trainingData {
            try require(
                data.count >= 1 && data.dimension == header.architecture.dimension,
                "the training-data record (\(data.count) points in \(data.dimension)-D) does not fit the "
                    + "\(header.architecture.dimension)-D network")
        }
        if let index = parameters.firstIndex(where: { !$0.isFinite }) {
            try require(false, "holds a non-finite weight (parameter \(index))")
        }
        if let index = firstMoments.firstIndex(where: { !$0.isFinite }) {
            try require(false, "holds a non-finite Adam first moment (parameter \(index))")
        }
        if let index = secondMoments.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            try require(false, "holds an Adam second moment that is negative or not finite (parameter \(index))")
        }
        if let index = losses.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            try require(false, "holds a loss that is negative or not finite (update \(index + 1))")
        }
    }

    /// The file length a header implies, or nil when the header is inconsistent (sizes out of range, a parameter
    /// count that does not match the architecture, a length that overflows).
    static func expectedLength(of header: Header, headerLength: Int) -> Int? {
        let architecture = header.architecture
        guard (1...10_000).contains(architecture.dimension), (1...100_000).contains(architecture.width),
            (1...1_000).contains(architecture.depth), (0...100_000_000).contains(header.lossCount),
            header.parameterCount == architecture.parameterCount,
            let values = CheckedSize.sum(CheckedSize.product(3, header.parameterCount) ?? -1, header.lossCount),
            let payload = CheckedSize.product(8, values)
        else { return nil }
        return CheckedSize.sum(16, headerLength, payload, 8)
    }

    /// Writes `state` to `path` so that the previous checkpoint stays whole at every moment: the bytes go to a
    /// temporary file beside it (`.NAME.PID-RANDOM.tmp`, same directory, so the rename is atomic; those of killed
    /// processes are removed first, `StaleTemporaries`), flushed with fsync,
    /// then renamed over `path`; all inside `Interruption.deferringInterruption`, so SIGINT or SIGTERM takes effect
    /// after the rename or after the temporary is removed. A path that exists and is not a regular file (a device,
    /// a FIFO, a directory) is never replaced.
    public static func save(_ state: TrainingState, to path: String) throws {
        let data = try encode(state)
        do {
            try InputFile.checkReplaceable(path, subject: "the checkpoint '\(path)'")
        } catch let error as InputFileError {
            throw CheckpointError(error.description)
        }
        let url = URL(fileURLWithPath: path)
        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(token).tmp").path
        try Interruption.deferringInterruption {
            StaleTemporaries.remove(in: url.deletingLastPathComponent().path)
            func fail(_ what: String) -> CheckpointError {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                return CheckpointError("cannot write the checkpoint '\(path)': \(what) (\(reason)).")
            }
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw fail("cannot create a temporary file beside it") }
            var written = 0
            let complete = data.withUnsafeBytes { buffer -> Bool in
                while written < buffer.count {
                    let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { return false }
                    written += count
                }
                return true
            }
            guard complete, fsync(descriptor) == 0 else {
                close(descriptor)
                throw fail("the write failed")
            }
            guard close(descriptor) == 0 else { throw fail("the write failed") }
            guard rename(temporary, path) == 0 else { throw fail("cannot rename the temporary file over it") }
        }
    }

    /// The most bytes a checkpoint may have: half the available memory (reading holds the file's bytes and the
    /// decoded arrays, about as many again).
    public static var fileByteLimit: Int { Int(min(AvailableMemory.bytes / 2, Double(Int.max / 2))) }

    /// Reads the state saved at `path`, which must be a regular file (`InputFile`) of at most `fileByteLimit` bytes.
    public static func load(from path: String) throws -> TrainingState {
        let data: Data
        do {
            data = try InputFile.read(path, subject: "the checkpoint '\(path)'", byteLimit: fileByteLimit)
        } catch let error as InputFileError {
            throw CheckpointError(error.description)
        }
        return try decode(data, name: path)
    }

    /// FNV-1a, 64 bits, of the bytes (`FowlerNollVoHash`).
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hasher = FowlerNollVoHash()
        for byte in bytes { hasher.add(byte) }
        return hasher.value
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
}

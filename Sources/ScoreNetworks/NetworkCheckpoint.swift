import Foundation

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
/// | H | header: JSON (UTF-8) with `architecture` (dimension, width, depth, activation, embedding), `schedule`, `configuration` (batch, learning rate, Adam constants, seed), `step`, `parameter_count`, `loss_count`, and `training_data` (count, dimension, hash: `TrainingDataFingerprint`) when known |
/// | 8 P | parameters (Float64) |
/// | 8 P | Adam first moments |
/// | 8 P | Adam second moments |
/// | 8 L | loss history |
/// | 8 | FNV-1a 64 checksum of every byte before it |
///
/// The Float64 arrays are stored bit for bit, so a round trip is exact. Reading checks the magic, the version,
/// the header, the exact file length (a truncated or padded file is refused) and the checksum (a flipped byte
/// is refused), and says which. Writing is atomic: a temporary file in the same directory, renamed over the
/// target, so an interrupted save never leaves a half-written checkpoint. Cost O(P + L).
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
            case parameterCount = "parameter_count", lossCount = "loss_count", trainingData = "training_data"
        }
    }

    /// The checkpoint's bytes.
    public static func encode(_ state: TrainingState) -> Data {
        let header = Header(architecture: state.network.architecture, schedule: state.network.schedule,
                            configuration: state.configuration, step: state.step,
                            parameterCount: state.network.parameters.count, lossCount: state.lossHistory.count,
                            trainingData: state.trainingData)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes = [UInt8](try! encoder.encode(header))
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

    /// The state stored in `data`; `name` (the file) appears in the errors.
    public static func decode(_ data: Data, name: String) throws -> TrainingState {
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else {
            throw CheckpointError("'\(name)' is not a network checkpoint (no FPLABNET signature).")
        }
        let fileVersion = readUInt32(bytes, at: 8)
        guard fileVersion == version else {
            throw CheckpointError("'\(name)': checkpoint format version \(fileVersion) is not supported (this build reads version \(version)).")
        }
        let headerLength = Int(readUInt32(bytes, at: 12))
        // The header, when it can be read, gives the expected length; the checksum decides whether the bytes are intact.
        var header: Header?
        if bytes.count >= 16 + headerLength {
            header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        }
        let expected = header.flatMap { expectedLength(of: $0, headerLength: headerLength) }
        let intact = bytes.count >= 24 && checksum(bytes[0..<(bytes.count - 8)]) == readUInt64(bytes, at: bytes.count - 8)
        if let expected, bytes.count < expected {
            throw CheckpointError("'\(name)' is truncated (\(bytes.count) bytes, \(expected) expected).")
        }
        guard intact else { throw CheckpointError("'\(name)' is corrupt (checksum mismatch).") }
        guard let header, let expected else {
            throw CheckpointError("'\(name)': the checkpoint header is corrupt or inconsistent (architecture, counts or step).")
        }
        guard bytes.count == expected else {
            throw CheckpointError("'\(name)' has \(bytes.count - expected) unexpected trailing bytes (\(expected) expected).")
        }
        let architecture = header.architecture, parameterCount = header.parameterCount
        var offset = 16 + headerLength
        func readArray(_ count: Int) -> [Double] {
            defer { offset += 8 * count }
            return (0..<count).map { Double(bitPattern: readUInt64(bytes, at: offset + 8 * $0)) }
        }
        let parameters = readArray(parameterCount)
        let first = readArray(parameterCount), second = readArray(parameterCount)
        let losses = readArray(header.lossCount)
        guard parameters.allSatisfy(\.isFinite) else { throw CheckpointError("'\(name)' holds non-finite weights.") }
        return TrainingState(network: ScoreNetwork(architecture: architecture, schedule: header.schedule, parameters: parameters),
                             configuration: header.configuration, firstMoments: first, secondMoments: second,
                             step: header.step, lossHistory: losses, trainingData: header.trainingData)
    }

    /// The file length a header implies, or nil when the header is inconsistent (sizes out of range, a parameter
    /// count that does not match the architecture).
    static func expectedLength(of header: Header, headerLength: Int) -> Int? {
        let architecture = header.architecture
        guard (1...10_000).contains(architecture.dimension), (1...100_000).contains(architecture.width),
              (1...1_000).contains(architecture.depth), header.step >= 0, (0...100_000_000).contains(header.lossCount),
              header.configuration.batchSize >= 1,
              header.configuration.learningRate > 0, header.configuration.learningRate.isFinite, header.parameterCount == architecture.parameterCount else { return nil }
        return 16 + headerLength + 8 * (3 * header.parameterCount + header.lossCount) + 8
    }

    /// Writes `state` to `path` atomically (temporary file, then rename).
    public static func save(_ state: TrainingState, to path: String) throws {
        do { try encode(state).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CheckpointError("cannot write the checkpoint '\(path)': \(error.localizedDescription)")
        }
    }

    /// Reads the state saved at `path`.
    public static func load(from path: String) throws -> TrainingState {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("cannot read the checkpoint '\(path)'.")
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

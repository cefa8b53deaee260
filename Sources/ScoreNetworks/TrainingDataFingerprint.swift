import DataFiles
import ParticleSampling

/// What a training state remembers of its data: the number of points, their dimension and the FNV-1a 64 hash of
/// the values' bit patterns (in order), so that resuming a checkpoint on other data is caught. Cost O(N d).
public struct TrainingDataFingerprint: Sendable, Equatable, Codable, CustomStringConvertible {
    public var count: Int
    public var dimension: Int
    /// 16 lowercase hexadecimal digits.
    public var hash: String

    /// The fingerprint of `data`, N × d values, point after point.
    public init(data: [Double], dimension: Int) {
        precondition(dimension >= 1, "TrainingDataFingerprint: dimension must be positive")
        count = data.count / dimension
        self.dimension = dimension
        var hasher = FowlerNollVoHash()
        for number in data { hasher.add(littleEndian: number.bitPattern) }
        let digits = String(hasher.value, radix: 16)
        hash = String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The fingerprint of a point set.
    public init(_ points: PointSet) { self.init(data: points.points, dimension: points.dimension) }

    public var description: String { "\(count) points in \(dimension)-D, hash \(hash)" }
}

/// FNV-1a, 64 bits: h ← (h xor byte) · 1099511628211 from h = 14695981039346656037, byte by byte.
struct FowlerNollVoHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }

    /// The eight bytes of `word`, least significant first.
    mutating func add(littleEndian word: UInt64) {
        var bits = word
        for _ in 0..<8 {
            add(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }
}

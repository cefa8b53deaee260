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
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for number in data {
            var bits = number.bitPattern
            for _ in 0..<8 {
                value = (value ^ (bits & 0xff)) &* 0x0000_0100_0000_01b3
                bits >>= 8
            }
        }
        let digits = String(value, radix: 16)
        hash = String(repeating: "0", count: 16 - digits.count) + digits
    }

    public var description: String { "\(count) points in \(dimension)-D, hash \(hash)" }
}

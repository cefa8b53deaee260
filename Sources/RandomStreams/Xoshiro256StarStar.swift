/// xoshiro256** (Blackman and Vigna, 2018): a 256-bit-state generator with period 2^256 - 1, passing BigCrush,
/// about 1 ns per 64-bit output.
///
/// Independent streams are derived by hashing, never by adding an index to the seed: the four state words are the
/// SplitMix64 sequence started at mix(mix(seed) xor mix(stream + golden)). Streams started this way overlap with
/// probability about (stream length)^2 / 2^256. The particle core gives every block of particles its own stream,
/// so results do not depend on how blocks are spread over threads.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var state0: UInt64
    @usableFromInline var state1: UInt64
    @usableFromInline var state2: UInt64
    @usableFromInline var state3: UInt64

    /// The generator of stream `stream` under `seed`.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var splitMix = SplitMix64(
            state: SplitMix64.mix(SplitMix64.mix(seed) ^ SplitMix64.mix(stream &+ 0x9E37_79B9_7F4A_7C15)))
        state0 = splitMix.next()
        state1 = splitMix.next()
        state2 = splitMix.next()
        state3 = splitMix.next()
        if state0 | state1 | state2 | state3 == 0 { state0 = 1 } // the all-zero state is excluded
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state1 &* 5, 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = rotateLeft(state3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Double {
        Double(Int64(bitPattern: next() >> 11)) * 0x1.0p-53 // signed: one conversion instruction
    }

    @inlinable @inline(__always)
    func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}

/// SplitMix64 (Steele, Lea and Flood): used to expand seeds and to hash stream indices.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 output function: a bijective 64-bit mixer.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

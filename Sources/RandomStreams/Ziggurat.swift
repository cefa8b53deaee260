import Foundation

/// Standard normal draws by the 256-layer ziggurat of Marsaglia and Tsang (2000), in double precision.
///
/// The area under f(x) = exp(-x^2/2) on [0, inf) is split into 256 layers of equal area V = 0.00492867323399
/// with the base layer's tail beyond R = 3.6541528853610088. One 64-bit draw gives the layer (8 bits), the sign
/// (1 bit) and a 53-bit integer m (the uniform u = m 2^-53). In layer i the candidate is x = u x_i; it is accepted
/// at once when x < x_(i+1), for 98.5 % of draws (about 1.9 ns a sample here, the xoshiro step included). The rest
/// take the wedge test, decided by bounds on exp for almost all of them, or, in the base layer, Marsaglia's
/// exponential tail.
///
/// Hot loops fetch `Ziggurat.table` once and call `table.normal(using:)`: the table is a set of raw pointers,
/// so a draw involves no reference counting and no lazy-initialization check.
public enum Ziggurat {
    static let layerCount = 256
    public static let tailStart = 3.6541528853610088
    static let layerArea = 0.00492867323399

    /// The tables, computed once.
    public static let table = ZigguratTable()

    /// Layer edges x_0 > x_1 = R > ... > x_256 = 0.
    static var edges: [Double] { Array(UnsafeBufferPointer(start: table.edges, count: layerCount + 1)) }
    /// f at the edges.
    static var heights: [Double] { Array(UnsafeBufferPointer(start: table.heights, count: layerCount + 1)) }

    /// One standard normal draw (convenience; loops should hold `Ziggurat.table`).
    @inlinable
    public static func normal(using generator: inout Xoshiro256StarStar) -> Double {
        table.normal(using: &generator)
    }

    /// Fills `buffer` with independent standard normals.
    public static func fill(_ buffer: UnsafeMutableBufferPointer<Double>, using generator: inout Xoshiro256StarStar) {
        let table = self.table
        // A local copy lets the state live in registers instead of being stored and reloaded every draw.
        var local = generator
        for index in buffer.indices { buffer[index] = table.normal(using: &local) }
        generator = local
    }
}

/// The ziggurat's tables: edges x_i and heights f(x_i), allocated once for the life of the process, and two tables
/// that give the fast path's result with one integer comparison and one multiply, to the same bits:
/// - `acceptanceLimits[i]`: the least m with fl(fl(m 2^-53) x_i) >= x_(i+1), so that m < limit exactly when the
///   candidate fl(u x_i) falls inside the inner rectangle (fl(c x_i) does not decrease as c grows, so the accepted
///   m are 0 ..< limit; found by bisection over [0, 2^53]);
/// - `signedScaledEdges[s 256 + i]` = (-1)^s x_i 2^-53, indexed by the low nine bits (layer and sign): m times it
///   is exactly the signed candidate, since m 2^-53 and x_i 2^-53 are exact and IEEE products are symmetric in sign.
public struct ZigguratTable: @unchecked Sendable {
    @usableFromInline let edges: UnsafePointer<Double>
    @usableFromInline let heights: UnsafePointer<Double>
    @usableFromInline let acceptanceLimits: UnsafePointer<UInt64>
    @usableFromInline let signedScaledEdges: UnsafePointer<Double>

    init() {
        let count = Ziggurat.layerCount
        let (area, tail) = (Ziggurat.layerArea, Ziggurat.tailStart)
        let density = { (value: Double) in exp(-0.5 * value * value) }
        let edges = UnsafeMutablePointer<Double>.allocate(capacity: count + 1)
        edges[0] = area / density(tail)
        edges[1] = tail
        for index in 2..<count {
            edges[index] = (-2 * log(area / edges[index - 1] + density(edges[index - 1]))).squareRoot()
        }
        edges[count] = 0
        let heights = UnsafeMutablePointer<Double>.allocate(capacity: count + 1)
        for index in 0...count { heights[index] = density(edges[index]) }
        let limits = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        for layer in 0..<count {
            var (low, high): (UInt64, UInt64) = (0, 1 << 53)
            while low < high {
                let middle = (low + high) / 2
                if Double(Int64(bitPattern: middle)) * 0x1.0p-53 * edges[layer] >= edges[layer + 1] {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            limits[layer] = low
        }
        let signedScaled = UnsafeMutablePointer<Double>.allocate(capacity: 2 * count)
        for layer in 0..<count {
            signedScaled[layer] = edges[layer] * 0x1.0p-53
            signedScaled[count + layer] = -edges[layer] * 0x1.0p-53
        }
        self.edges = UnsafePointer(edges)
        self.heights = UnsafePointer(heights)
        acceptanceLimits = UnsafePointer(limits)
        signedScaledEdges = UnsafePointer(signedScaled)
    }

    /// One standard normal draw. The fast path is one xoshiro step, one table load and integer comparison, one
    /// conversion and one multiply; it calls nothing, so a caller's loop keeps its values in registers.
    @inlinable @inline(__always)
    public func normal(using generator: inout Xoshiro256StarStar) -> Double {
        let bits = generator.next()
        let integer = bits >> 11
        if integer < acceptanceLimits[Int(truncatingIfNeeded: bits & 0xFF)] {
            // signed: one conversion instruction
            return Double(Int64(bitPattern: integer)) * signedScaledEdges[Int(truncatingIfNeeded: bits & 0x1FF)]
        }
        // The generator goes to the rare slow path by value, so the fast path can keep its state in registers.
        let (value, advanced) = rejected(bits: bits, generator: generator)
        generator = advanced
        return value
    }

    /// The draw whose 64 bits `bits` missed the inner rectangle: the wedge test or the tail, then fresh draws until
    /// one is accepted.
    @usableFromInline @inline(never)
    func rejected(bits: UInt64, generator: Xoshiro256StarStar) -> (Double, Xoshiro256StarStar) {
        var (bits, generator) = (bits, generator)
        while true {
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            // Bit 8 becomes the sign bit (bit 63).
            let signBit = (bits & 0x100) << 55
            let uniform = Double(Int64(bitPattern: bits >> 11)) * 0x1.0p-53
            let value = uniform * edges[layer]
            if value < edges[layer + 1] { return (Double(bitPattern: value.bitPattern ^ signBit), generator) }
            let (accepted, advanced) = slowPath(layer: layer, value: value, generator: generator)
            generator = advanced
            if let accepted { return (Double(bitPattern: accepted.bitPattern ^ signBit), generator) }
            bits = generator.next()
        }
    }

    /// The rejection step outside the inner rectangles: the tail for layer 0, the wedge test otherwise.
    ///
    /// The wedge of layer i is x_(i+1) <= x < x_i with heights y between f(x_i) and f(x_(i+1)); a point is accepted
    /// when y < f(x) = exp(-x^2/2). With a = x_(i+1) and t = (x^2 - a^2)/2 >= 0, f(x) = f(a) e^(-t), and for t >= 0
    /// 1 - t + t^2/2 - t^3/6 <= e^(-t) <= 1 - t + t^2/2 (alternating series). A point below the lower bound is
    /// accepted and one above the upper bound rejected without calling exp: the same decisions as the comparison
    /// with exp, because the margin 2^-40 f(a) exceeds every rounding by far (the bounds' own rounding, a few ulp of
    /// f(a) with t < 1; glibc's exp, under 1 ulp, and the rounding of x^2/2 in its argument, under 8 ulp relative).
    /// The band between the bounds, where exp decides, holds at most about t_max^2/6 of a wedge (t_max the largest
    /// t in it): 9 % in layer 1, under 1 % from layer 5 on, 0.01 % in the top layer, where a quarter of the wedge
    /// draws fall.
    @usableFromInline @inline(never)
    func slowPath(layer: Int, value: Double, generator: Xoshiro256StarStar) -> (Double?, Xoshiro256StarStar) {
        var generator = generator
        if layer == 0 {
            let tail = Ziggurat.tailStart
            while true {
                let exponential = -log(1 - generator.nextUniform()) / tail
                let check = -log(1 - generator.nextUniform())
                if 2 * check > exponential * exponential { return (tail + exponential, generator) }
            }
        }
        let lower = heights[layer]
        let upper = heights[layer + 1]
        let height = upper + generator.nextUniform() * (lower - upper)
        let inner = edges[layer + 1]
        let excess = 0.5 * (value - inner) * (value + inner)
        let upperBound = upper * (1 - excess + 0.5 * excess * excess)
        let lowerBound = upperBound - upper * (excess * excess * excess) / 6
        let margin = 0x1.0p-40 * upper
        if height < lowerBound - margin { return (value, generator) }
        if height > upperBound + margin { return (nil, generator) }
        if height < exp(-0.5 * value * value) { return (value, generator) }
        return (nil, generator)
    }
}

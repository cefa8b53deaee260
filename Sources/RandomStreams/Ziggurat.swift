import Foundation

/// Standard normal draws by the 256-layer ziggurat of Marsaglia and Tsang (2000), in double precision.
///
/// The area under f(x) = exp(-x^2/2) on [0, inf) is split into 256 layers of equal area V = 0.00492867323399
/// with the base layer's tail beyond R = 3.6541528853610088. One 64-bit draw gives the layer (8 bits), the sign
/// (1 bit) and a 53-bit uniform; about 99% of draws return after one multiply and one comparison (about 3 ns a
/// sample here). The rest take the wedge test (one exp) or, in the base layer, Marsaglia's exponential tail.
///
/// Hot loops fetch `Ziggurat.table` once and call `table.normal(using:)`: the table is a pair of raw pointers,
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

/// The ziggurat's tables: edges x_i and heights f(x_i), allocated once for the life of the process.
public struct ZigguratTable: @unchecked Sendable {
    @usableFromInline let edges: UnsafePointer<Double>
    @usableFromInline let heights: UnsafePointer<Double>

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
        self.edges = UnsafePointer(edges)
        self.heights = UnsafePointer(heights)
    }

    /// One standard normal draw.
    @inlinable @inline(__always)
    public func normal(using generator: inout Xoshiro256StarStar) -> Double {
        while true {
            let bits = generator.next()
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            // Bit 8 becomes the sign bit (bit 63), without a branch: a random sign would mispredict half the time.
            let signBit = (bits & 0x100) << 55
            let uniform = Double(Int64(bitPattern: bits >> 11)) * 0x1.0p-53 // signed: one conversion instruction
            let value = uniform * edges[layer]
            if value < edges[layer + 1] { return Double(bitPattern: value.bitPattern ^ signBit) }
            // The generator goes to the rare slow path by value, so the fast path can keep its state in registers.
            let (accepted, advanced) = slowPath(layer: layer, value: value, generator: generator)
            generator = advanced
            if let accepted { return Double(bitPattern: accepted.bitPattern ^ signBit) }
        }
    }

    /// The rejection step outside the inner rectangles: the tail for layer 0, the wedge test otherwise.
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
        if upper + generator.nextUniform() * (lower - upper) < exp(-0.5 * value * value) { return (value, generator) }
        return (nil, generator)
    }
}

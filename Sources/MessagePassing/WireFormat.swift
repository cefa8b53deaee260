/// A plain binary encoding for what ranks send each other (`Communicator.gather`, `broadcast`): integers and the bit
/// patterns of doubles little-endian, strings as a length and UTF-8 bytes. Doubles travel as their bits, so a value
/// (NaN and infinities included) arrives exactly as it left.
public struct WireWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func append(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func append(_ value: Int) { append(UInt64(bitPattern: Int64(value))) }
    public mutating func append(_ value: Double) { append(value.bitPattern) }
    public mutating func append(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func append(_ value: String) {
        let utf8 = Array(value.utf8)
        append(utf8.count)
        bytes += utf8
    }

    public mutating func append(_ values: [Double]) {
        append(values.count)
        for value in values { append(value) }
    }

    public mutating func append(_ value: String?) {
        append(value != nil)
        if let value { append(value) }
    }
}

/// Reads what `WireWriter` wrote, in the same order; a short or malformed message is a `WireFormatError`.
public struct WireReader {
    let bytes: [UInt8]
    var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func unsigned() throws -> UInt64 {
        guard offset + 8 <= bytes.count else { throw WireFormatError() }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    public mutating func integer() throws -> Int { Int(Int64(bitPattern: try unsigned())) }
    public mutating func double() throws -> Double { Double(bitPattern: try unsigned()) }

    public mutating func bool() throws -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw WireFormatError() }
        offset += 1
        return bytes[offset - 1] == 1
    }

    public mutating func string() throws -> String {
        let count = try integer()
        guard count >= 0, offset + count <= bytes.count else { throw WireFormatError() }
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    public mutating func optionalString() throws -> String? { try bool() ? try string() : nil }

    public mutating func doubles() throws -> [Double] {
        let count = try integer()
        guard count >= 0, offset + 8 * count <= bytes.count else { throw WireFormatError() }
        return try (0..<count).map { _ in try double() }
    }
}

/// A message between ranks that does not decode (a defect: every rank runs the same build).
public struct WireFormatError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "a message between ranks did not decode" }
}

import Foundation
import Safeguards

/// The preamble of a NumPy `.npy` file, read strictly: what the payload holds and where it starts.
///
/// Format (numpy.lib.format): the magic `\x93NUMPY`, a major and a minor version byte, the header length
/// (little-endian UInt16 in version 1.0, UInt32 in 2.0 and 3.0), then the header: a Python dictionary literal
/// with exactly the keys `descr`, `fortran_order` and `shape`, padded with spaces and ended by a line break.
/// Everything is checked before a byte of payload is read:
/// - the version is 1.0, 2.0 or 3.0 (the only ones NumPy writes);
/// - the header is at most `headerByteLimit` bytes of ASCII (NumPy's own reader refuses longer ones) and parses
///   completely: one value per key, no other key, nothing but spaces after the closing brace;
/// - `descr` is one of the element types the caller accepts (big-endian, object, structured and other dtypes
///   are refused by name), `fortran_order` is `False`;
/// - `shape` is a tuple of at most `rankLimit` decimal integers (no `1e3`, no `3L`, no leading zeros, as in
///   Python's own grammar), and `count × width` and `offset + count × width` are computed with `CheckedSize`;
/// - the file is exactly `offset + count × width` bytes long (a truncated or padded payload is refused).
/// Cost: O(header length).
public struct NumpyHeader: Sendable, Equatable {
    /// The element types a reader may accept: little-endian IEEE 754 binary64 and binary32.
    public enum ElementType: String, Sendable, CaseIterable {
        case float64 = "<f8"
        case float32 = "<f4"

        /// Bytes per element.
        public var width: Int { self == .float64 ? 8 : 4 }
    }

    /// NumPy's `max_header_size` (numpy.lib.format, 10 000 bytes since NumPy 1.24): a longer header is refused by
    /// NumPy itself, so no file it writes is lost and a header claiming 4 GiB is never scanned.
    public static let headerByteLimit = 10_000

    /// NumPy's own limit on the number of axes (`NPY_MAXDIMS`, 64 since NumPy 2.0).
    public static let rankLimit = 64

    public let elementType: ElementType
    /// The extent of every axis (`[]` for a scalar).
    public let shape: [Int]
    /// Where the payload starts: 10 + header length (version 1.0) or 12 + header length.
    public let payloadOffset: Int
    /// The product of the extents (checked for overflow).
    public let elementCount: Int

    /// The header of `data`, which must hold exactly the payload the header describes.
    public init(_ data: Data, accepting types: [ElementType]) throws {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 8, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NumpyFormatError("not a .npy file (no \\x93NUMPY magic)")
        }
        let (major, minor) = (bytes[6], bytes[7])
        guard (1...3).contains(major), minor == 0 else {
            throw NumpyFormatError(".npy format version \(major).\(minor) is not one NumPy writes (1.0, 2.0 or 3.0)")
        }
        let prefixLength = major == 1 ? 10 : 12
        guard bytes.count >= prefixLength else {
            throw NumpyFormatError("truncated .npy preamble (\(data.count) bytes, \(prefixLength) needed)")
        }
        let headerLength = (0..<(prefixLength - 8)).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        guard headerLength <= Self.headerByteLimit else {
            throw NumpyFormatError(
                "the .npy header length \(headerLength) exceeds the \(Self.headerByteLimit) "
                    + "bytes NumPy itself reads")
        }
        guard data.count >= prefixLength + headerLength else {
            throw NumpyFormatError(
                "truncated .npy header (\(data.count) bytes, the header ends at "
                    + "\(prefixLength + headerLength))")
        }
        let start = data.startIndex + prefixLength
        let header = [UInt8](data[start..<(start + headerLength)])
        var parser = DictionaryParser(bytes: header)
        let fields = try parser.parse()
        guard let typeIndex = types.firstIndex(where: { $0.rawValue == fields.descr }) else {
            throw NumpyFormatError(Self.refusal(ofType: fields.descr, accepted: types))
        }
        guard !fields.fortranOrder else {
            throw NumpyFormatError(
                "Fortran-ordered .npy arrays are not read (fortran_order must be False; "
                    + "save in C order)")
        }
        guard fields.shape.count <= Self.rankLimit else {
            throw NumpyFormatError("the .npy shape has \(fields.shape.count) axes, more than NumPy's \(Self.rankLimit)")
        }
        elementType = types[typeIndex]
        shape = fields.shape
        payloadOffset = prefixLength + headerLength
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        guard let count = CheckedSize.product(of: shape), let payload = CheckedSize.product(count, elementType.width),
            let total = CheckedSize.sum(payloadOffset, payload)
        else {
            throw NumpyFormatError("the .npy shape \(shapeText) describes more bytes than any file holds")
        }
        elementCount = count
        guard data.count >= total else {
            throw NumpyFormatError(
                ".npy data is shorter than its shape \(shapeText) says (\(data.count) bytes, "
                    + "\(total) expected)")
        }
        guard data.count == total else {
            throw NumpyFormatError(
                "the .npy file has \(data.count - total) bytes after the data its shape "
                    + "\(shapeText) holds")
        }
    }

    /// Element `index` of the payload as a Double (binary32 widened exactly).
    public func value(at index: Int, in data: Data) -> Double {
        let offset = data.startIndex + payloadOffset + index * elementType.width
        switch elementType {
        case .float64:
            let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[offset + $1]) << (8 * UInt64($1)) }
            return Double(bitPattern: bits)
        case .float32:
            let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[offset + $1]) << (8 * UInt32($1)) }
            return Double(Float(bitPattern: bits))
        }
    }

    /// Every element in C order: the same values as `value(at:in:)`, read through one raw-bytes view of the payload
    /// (little-endian words loaded unaligned) instead of byte by byte.
    public func values(in data: Data) -> [Double] {
        let (count, offset) = (elementCount, payloadOffset)
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                switch elementType {
                case .float64:
                    for index in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: offset + 8 * index, as: UInt64.self)
                        buffer[index] = Double(bitPattern: UInt64(littleEndian: bits))
                    }
                case .float32:
                    for index in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)
                        buffer[index] = Double(Float(bitPattern: UInt32(littleEndian: bits)))
                    }
                }
            }
            initialized = count
        }
    }

    /// One sentence for a dtype this reader does not take, naming what it is.
    static func refusal(ofType descr: String, accepted: [ElementType]) -> String {
        let allowed = accepted.map { "'\($0.rawValue)'" }.joined(separator: " or ")
        let kind: String
        if descr.hasPrefix(">") {
            kind = "big-endian"
        } else if descr.contains("O") {
            kind = "an object (pickled) dtype"
        } else if descr.hasPrefix("[") {
            kind = "a structured dtype"
        } else {
            kind = "not a supported dtype"
        }
        return "the .npy dtype '\(descr.prefix(40))' is \(kind); this reader takes \(allowed) (little-endian floats)"
    }
}

/// The dictionary literal of a `.npy` header: `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`.
private struct DictionaryParser {
    let bytes: [UInt8]
    var index = 0

    struct Fields {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ what: String) -> NumpyFormatError {
        NumpyFormatError("the .npy header is malformed at byte \(index): \(what)")
    }

    mutating func parse() throws -> Fields {
        if let offset = bytes.firstIndex(where: { $0 >= 0x80 }) {
            throw NumpyFormatError(
                "the .npy header is not ASCII (byte \(offset) is "
                    + "0x\(String(bytes[offset], radix: 16)))")
        }
        guard bytes.last == UInt8(ascii: "\n") else { throw fail("the header does not end with a line break") }
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        skipSpaces()
        try expect("{")
        while true {
            skipSpaces()
            if peek() == UInt8(ascii: "}") {
                index += 1
                break
            }
            let key = try quotedString()
            skipSpaces()
            try expect(":")
            skipSpaces()
            switch key {
            case "descr":
                guard descr == nil else { throw fail("the key 'descr' appears twice") }
                if peek() == UInt8(ascii: "[") {
                    throw NumpyFormatError(NumpyHeader.refusal(ofType: "[", accepted: []))
                }
                descr = try quotedString()
            case "fortran_order":
                guard fortranOrder == nil else { throw fail("the key 'fortran_order' appears twice") }
                fortranOrder = try boolean()
            case "shape":
                guard shape == nil else { throw fail("the key 'shape' appears twice") }
                shape = try tuple()
            default:
                throw fail("unknown key '\(key.prefix(40))' (a .npy header has descr, fortran_order and shape)")
            }
            skipSpaces()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            skipSpaces()
            guard peek() == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
        }
        while index < bytes.count - 1, bytes[index] == UInt8(ascii: " ") { index += 1 }
        guard index == bytes.count - 1 else { throw fail("text after the closing brace") }
        guard let descr else { throw fail("the key 'descr' is missing") }
        guard let fortranOrder else { throw fail("the key 'fortran_order' is missing") }
        guard let shape else { throw fail("the key 'shape' is missing") }
        return Fields(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") { index += 1 }
    }

    mutating func expect(_ character: Unicode.Scalar) throws {
        guard peek() == UInt8(ascii: character) else { throw fail("expected '\(character)'") }
        index += 1
    }

    /// 'text' or "text", printable ASCII without escapes.
    mutating func quotedString() throws -> String {
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw fail("expected a quoted string")
        }
        index += 1
        let start = index
        while let byte = peek(), byte != quote {
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else {
                throw fail("a control character or escape in a string")
            }
            index += 1
        }
        guard peek() == quote else { throw fail("an unterminated string") }
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func boolean() throws -> Bool {
        for (word, value) in [("True", true), ("False", false)] where bytes[index...].starts(with: Array(word.utf8)) {
            index += word.utf8.count
            return value
        }
        throw fail("fortran_order must be True or False")
    }

    /// `()`, `(n,)`, `(n, m)`, `(n, m,)`: non-negative decimal integers as Python writes them.
    mutating func tuple() throws -> [Int] {
        try expect("(")
        var extents: [Int] = []
        var sawComma = false
        while true {
            skipSpaces()
            if peek() == UInt8(ascii: ")") {
                index += 1
                break
            }
            let start = index
            while let byte = peek(), byte >= 48 && byte <= 57 { index += 1 }
            let digits = String(decoding: bytes[start..<index], as: UTF8.self)
            guard !digits.isEmpty else { throw fail("a shape extent must be a non-negative integer") }
            guard digits == "0" || !digits.hasPrefix("0") else {
                throw fail("the shape extent '\(digits)' has a leading zero")
            }
            guard let extent = StrictNumber.integer(digits) else {
                throw fail("the shape extent '\(digits.prefix(30))' is larger than any array")
            }
            extents.append(extent)
            skipSpaces()
            if peek() == UInt8(ascii: ",") {
                index += 1
                sawComma = true
                continue
            }
            sawComma = false
            guard peek() == UInt8(ascii: ")") else { throw fail("a shape extent must be a non-negative integer") }
        }
        guard extents.count != 1 || sawComma else { throw fail("a one-axis shape is written '(n,)'") }
        return extents
    }
}

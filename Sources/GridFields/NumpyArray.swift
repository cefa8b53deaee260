import Foundation

/// A float64 array of any rank with its NumPy `.npy` encoding, for people who load results with `numpy.load`.
///
/// The file is `.npy` format version 1.0: the magic `\x93NUMPY`, version bytes 1 0, a little-endian UInt16
/// header length, then the header dictionary `{'descr': '<f8', 'fortran_order': False, 'shape': (…), }` padded
/// with spaces and a final newline so that the data starts at a multiple of 64 bytes (which is also the
/// multiple of 16 the version 1.0 format asks for); then the values as little-endian IEEE 754 binary64 in
/// C order (the last index fastest, as `Grid` stores fields). Shape `[]` is a scalar (one value), `[n]` is
/// written `(n,)`. Encoding and decoding cost O(count).
public struct NumpyArray: Sendable, Equatable {
    /// The values in C order.
    public var values: [Double]
    /// The extent of every axis; the product is `values.count`.
    public var shape: [Int]

    public init(values: [Double], shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                     "NumpyArray: \(values.count) values do not fill shape \(shape)")
        self.values = values
        self.shape = shape
    }

    /// A one-dimensional array, shape (count,).
    public init(_ values: [Double]) {
        self.init(values: values, shape: [values.count])
    }

    /// The shape as NumPy prints it: "(3,)", "(2, 5)", "()".
    public var shapeText: String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The `.npy` file (version 1.0, see the type's documentation).
    public var npyData: Data {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + values.count * 8)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Reads a `.npy` file of little-endian float64 values in C order (format version 1.x or 2.x), any rank.
    /// Throws `NumpyFormatError` with one sentence for anything else.
    public init(npyData data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NumpyFormatError("not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let (headerStart, headerLength): (Int, Int)
        if major == 1 {
            (headerStart, headerLength) = (10, Int(bytes[8]) | Int(bytes[9]) << 8)
        } else {
            guard bytes.count >= 12 else { throw NumpyFormatError("truncated .npy header") }
            (headerStart, headerLength) = (12, (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) })
        }
        guard bytes.count >= headerStart + headerLength,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw NumpyFormatError("truncated .npy header")
        }
        guard header.contains("'descr': '<f8'") else { throw NumpyFormatError("the .npy dtype is not little-endian float64 ('<f8')") }
        guard header.contains("'fortran_order': False") else { throw NumpyFormatError("Fortran-ordered .npy arrays are not read") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw NumpyFormatError("the .npy header has no shape")
        }
        let extents = header[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let shape = try extents.map { text -> Int in
            guard let extent = Int(text), extent >= 0 else { throw NumpyFormatError("the .npy shape has a bad extent '\(text)'") }
            return extent
        }
        let count = shape.reduce(1, *)
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart + 8 * count else { throw NumpyFormatError(".npy data is shorter than its shape \(shape) says") }
        let values = (0..<count).map { index -> Double in
            let offset = dataStart + 8 * index
            let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
            return Double(bitPattern: bits)
        }
        self.init(values: values, shape: shape)
    }
}

/// Why a `.npy` file could not be read; `description` is one sentence.
public struct NumpyFormatError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

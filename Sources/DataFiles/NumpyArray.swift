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
        precondition(
            shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
            "NumpyArray: \(values.count) values do not fill shape \(shape)")
        self.values = values
        self.shape = shape
    }

    /// A one-dimensional array, shape (count,).
    public init(_ values: [Double]) {
        self.init(values: values, shape: [values.count])
    }

    /// The shape as NumPy prints it: "(3,)", "(2, 5)", "()".
    public var shapeText: String { Self.shapeText(of: shape) }

    static func shapeText(of shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The `.npy` file (version 1.0, see the type's documentation).
    public var npyData: Data {
        var data = Self.header(shape: shape)
        data.reserveCapacity(data.count + values.count * 8)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The header of a version 1.0 `.npy` file of float64 values in C order with `shape`, padded to a multiple of 64
    /// bytes: the values follow it (ranks writing their slabs of one file put them at this offset).
    public static func header(shape: [Int]) -> Data {
        let shapeText = Self.shapeText(of: shape)
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    /// Reads a `.npy` file of little-endian float64 values in C order (format version 1.0, 2.0 or 3.0), any rank,
    /// its header checked strictly and its length exactly (`NumpyHeader`). NaN and infinities are kept (recorded
    /// arrays may hold them). The values take as many bytes as the payload, so memory stays within the file's size.
    /// Throws `NumpyFormatError` with one sentence for anything else.
    public init(npyData data: Data) throws {
        let header = try NumpyHeader(data, accepting: [.float64])
        self.init(values: header.values(in: data), shape: header.shape)
    }
}

/// Why a `.npy` file could not be read; `description` is one sentence.
public struct NumpyFormatError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Foundation
import GridFields

/// A set of points in R^d, flat (point j at entries j d ..< (j + 1) d): training data, samples.
///
/// Files: CSV (one point a row, numbers separated by commas, an optional header row of non-numbers, blank lines
/// ignored) and NumPy `.npy` (little-endian float64 or float32, C order, shape (N,) or (N, d)), chosen by the
/// file extension. Every value must be finite; rows must all have the same length.
public struct PointSet: Sendable, Equatable {
    public var points: [Double]
    public let dimension: Int

    public init(points: [Double], dimension: Int) {
        precondition(dimension >= 1 && points.count % dimension == 0, "PointSet: points must be N x d")
        self.points = points
        self.dimension = dimension
    }

    public var count: Int { points.count / dimension }

    // MARK: Reading

    /// Loads a `.npy` or CSV file (any other extension is read as CSV).
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PointFileError("cannot read '\(path)'")
        }
        if path.lowercased().hasSuffix(".npy") {
            self = try Self.parseNumpy(data, path: path)
        } else {
            guard let text = String(data: data, encoding: .utf8) else { throw PointFileError("'\(path)' is not UTF-8 text") }
            self = try Self.parseCSV(text, path: path)
        }
        guard count >= 1 else { throw PointFileError("'\(path)' holds no points") }
    }

    static func parseCSV(_ text: String, path: String) throws -> PointSet {
        var points: [Double] = []
        var dimension: Int?
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let values = fields.map { Double($0) }
            if values.allSatisfy({ $0 == nil }) && dimension == nil && points.isEmpty { continue }   // header
            let row = offset + 1
            guard values.allSatisfy({ $0 != nil }) else {
                throw PointFileError("'\(path)' line \(row): '\(trimmed)' is not a row of numbers")
            }
            let numbers = values.map { $0! }
            guard numbers.allSatisfy(\.isFinite) else { throw PointFileError("'\(path)' line \(row): NaN or infinity in the data") }
            if let dimension, numbers.count != dimension {
                throw PointFileError("'\(path)' line \(row): \(numbers.count) values, earlier rows have \(dimension) (ragged data)")
            }
            dimension = numbers.count
            points.append(contentsOf: numbers)
        }
        guard let dimension, !points.isEmpty else { throw PointFileError("'\(path)' holds no points") }
        return PointSet(points: points, dimension: dimension)
    }

    static func parseNumpy(_ data: Data, path: String) throws -> PointSet {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw PointFileError("'\(path)' is not a .npy file")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw PointFileError("'\(path)': truncated .npy header") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard bytes.count >= headerStart + headerLength,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii) else {
            throw PointFileError("'\(path)': truncated .npy header")
        }
        func field(_ key: String) -> String? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return String(header[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let description = field("descr") else { throw PointFileError("'\(path)': .npy header has no descr") }
        let isDouble = description.hasPrefix("'<f8'") || description.hasPrefix("'float64'")
        let isFloat = description.hasPrefix("'<f4'")
        guard isDouble || isFloat else {
            throw PointFileError("'\(path)': .npy dtype \(description.prefix(6)) is not little-endian float64 or float32")
        }
        if let order = field("fortran_order"), order.hasPrefix("True") {
            throw PointFileError("'\(path)': Fortran-ordered .npy arrays are not supported (save with C order)")
        }
        guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw PointFileError("'\(path)': .npy header has no shape")
        }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.compactMap { Int($0) }
        guard (1...2).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw PointFileError("'\(path)': .npy shape must be (N,) or (N, d)")
        }
        let count = shape[0], dimension = shape.count == 2 ? shape[1] : 1
        guard dimension >= 1 else { throw PointFileError("'\(path)': .npy arrays need at least one column") }
        let width = isDouble ? 8 : 4
        let payloadStart = headerStart + headerLength
        guard bytes.count - payloadStart >= count * dimension * width else {
            throw PointFileError("'\(path)': .npy data is shorter than its shape says")
        }
        var points = [Double](repeating: 0, count: count * dimension)
        for index in 0..<(count * dimension) {
            var bits: UInt64 = 0
            for byte in 0..<width { bits |= UInt64(bytes[payloadStart + index * width + byte]) << (8 * UInt64(byte)) }
            points[index] = isDouble ? Double(bitPattern: bits) : Double(Float(bitPattern: UInt32(bits)))
            guard points[index].isFinite else { throw PointFileError("'\(path)': NaN or infinity in the data (entry \(index))") }
        }
        return PointSet(points: points, dimension: dimension)
    }

    // MARK: Writing

    /// The points as `.npy` version 1.0: little-endian float64, shape (N, d), header padded to 64 bytes
    /// (`NumpyArray`).
    public var numpyData: Data {
        NumpyArray(values: points, shape: [count, dimension]).npyData
    }

    /// The points as CSV with a header `x` (1-D), `x,y` (2-D) or `x1,...,xd`, full precision.
    public var csvText: String {
        let names = dimension == 1 ? ["x"] : dimension == 2 ? ["x", "y"] : (1...dimension).map { "x\($0)" }
        var text = names.joined(separator: ",") + "\n"
        text.reserveCapacity(points.count * 24)
        for start in stride(from: 0, to: points.count, by: dimension) {
            text += (0..<dimension).map { "\(points[start + $0])" }.joined(separator: ",") + "\n"
        }
        return text
    }
}

/// Why a point file was refused; `description` is one sentence.
public struct PointFileError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

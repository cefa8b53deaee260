import Foundation
import Safeguards

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

    /// The largest point file read: 1 GiB (`InputFile.defaultByteLimit`). A CSV value takes at least two bytes
    /// ("0,"), so the parsed points take at most 4 bytes of memory per byte of file; a `.npy` payload of float64
    /// takes exactly its own size (float32: twice). The memory is checked against `AvailableMemory` before parsing.
    public static let fileByteLimit = InputFile.defaultByteLimit

    /// Loads a `.npy` or CSV file (any other extension is read as CSV). The path must name a regular file of at
    /// most `fileByteLimit` bytes (`InputFile`); CSV must be UTF-8 text without NUL bytes.
    public init(contentsOf path: String) throws {
        let subject = "'\(path)'"
        do {
            if path.lowercased().hasSuffix(".npy") {
                self = try Self.parseNumpy(
                    try InputFile.read(path, subject: subject, byteLimit: Self.fileByteLimit),
                    path: path)
            } else {
                self = try Self.parseCSV(
                    try InputFile.readText(path, subject: subject, byteLimit: Self.fileByteLimit),
                    path: path)
            }
        } catch let error as InputFileError {
            throw PointFileError(error.description)
        } catch let error as MemoryLimitError {
            throw PointFileError(error.description)
        }
        guard count >= 1 else { throw PointFileError("'\(path)' holds no points") }
    }

    /// The points of a file's bytes already in memory, read as `.npy` when `name` ends in `.npy` and as CSV
    /// otherwise (which must then be UTF-8 without NUL bytes), with the checks of `init(contentsOf:)`.
    public init(fileData data: Data, name: String) throws {
        do {
            if name.lowercased().hasSuffix(".npy") {
                self = try Self.parseNumpy(data, path: name)
            } else {
                guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
                    throw PointFileError("'\(name)' is not UTF-8 text without NUL bytes")
                }
                self = try Self.parseCSV(text, path: name)
            }
        } catch let error as MemoryLimitError {
            throw PointFileError(error.description)
        }
    }

    /// CSV, read by `CSVReader` in the point-file dialect: one point a row, fields separated by commas (spaces and
    /// tabs around them ignored), a field may be quoted ("1.5", with "" for a quote inside; a quote never spans
    /// lines); blank lines and lines starting with `#` are skipped; a byte-order mark and CRLF line ends are
    /// accepted. The first content row is a header when none of its fields is a number (then it must name as many
    /// columns as the data has). Every other field must be a finite decimal number (`StrictNumber`: no "nan",
    /// "inf", hexadecimal or trailing text).
    static func parseCSV(_ text: String, path: String) throws -> PointSet {
        var reader = CSVReader(text, dialect: .pointFile)
        let text = reader.content
        // At most one value per field: commas plus lines bound the count before any array grows.
        let fieldBound = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: ",") || $1 == UInt8(ascii: "\n") ? 1 : 0) }
        try AvailableMemory.check(
            needed: 8 * Double(fieldBound), subject: "'\(path)'",
            advice: "the points of a \(text.utf8.count)-byte file")
        func nextRecord() throws -> CSVReader.Record? {
            do { return try reader.next() } catch let error as CSVFormatError {
                throw PointFileError("'\(path)' \(error.description)")
            }
        }
        var points: [Double] = []
        var dimension: Int?
        var headerCount: Int?
        while let record = try nextRecord() {
            let (row, fields) = (record.line, record.fields)
            let values = fields.map { StrictNumber.double($0) }
            if values.allSatisfy({ $0 == nil }) && dimension == nil && headerCount == nil {
                headerCount = fields.count
                continue
            }
            if let index = values.firstIndex(where: { $0 == nil }) {
                let field = fields[index].isEmpty ? "an empty field" : "'\(fields[index].prefix(40))'"
                throw PointFileError("'\(path)' line \(row), column \(index + 1): \(field) is not a decimal number")
            }
            let numbers = values.map { $0! }
            if let index = numbers.firstIndex(where: { !$0.isFinite }) {
                throw PointFileError(
                    "'\(path)' line \(row), column \(index + 1): '\(fields[index].prefix(40))' "
                        + "is not finite")
            }
            if let dimension, numbers.count != dimension {
                throw PointFileError(
                    "'\(path)' line \(row): \(numbers.count) values, earlier rows have \(dimension) (ragged data)")
            }
            if dimension == nil, let headerCount, headerCount != numbers.count {
                throw PointFileError(
                    "'\(path)' line \(row): \(numbers.count) values, the header names "
                        + "\(headerCount) columns")
            }
            dimension = numbers.count
            points.append(contentsOf: numbers)
        }
        guard let dimension, !points.isEmpty else { throw PointFileError("'\(path)' holds no points") }
        return PointSet(points: points, dimension: dimension)
    }

    /// `.npy`: little-endian float64 or float32, C order, shape (N,) or (N, d) with N, d >= 1 (`NumpyHeader`
    /// checks the header strictly and the length exactly, every size with `CheckedSize`); every value finite.
    static func parseNumpy(_ data: Data, path: String) throws -> PointSet {
        let header: NumpyHeader
        do { header = try NumpyHeader(data, accepting: [.float64, .float32]) } catch let error as NumpyFormatError {
            throw PointFileError("'\(path)': \(error.description)")
        }
        guard (1...2).contains(header.shape.count) else {
            throw PointFileError("'\(path)': the .npy shape must be (N,) or (N, d); it has \(header.shape.count) axes")
        }
        let dimension = header.shape.count == 2 ? header.shape[1] : 1
        guard dimension >= 1 else { throw PointFileError("'\(path)': .npy arrays need at least one column") }
        guard header.shape[0] >= 1 else { throw PointFileError("'\(path)' holds no points") }
        try AvailableMemory.check(
            needed: 8 * Double(header.elementCount), subject: "'\(path)'",
            advice: "its \(header.elementCount) values")
        let points = header.values(in: data)
        if let index = points.firstIndex(where: { !$0.isFinite }) {
            throw PointFileError("'\(path)': NaN or infinity in the data (entry \(index))")
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

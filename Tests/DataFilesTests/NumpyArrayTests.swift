import DataFiles
import Foundation
import Testing

@testable import DataFiles

@Suite struct NumpyArrayTests {
    /// The .npy version 1.0 layout: magic, version 1 0, little-endian header length, a header ending in a newline
    /// so that the data starts at a multiple of 64 bytes, then 8 bytes a value.
    @Test(arguments: [[Int](), [3], [2, 3], [2, 1, 4]])
    func headerLayoutAndRoundTrip(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Double($0) * 0.25 - 1 }
        let array = NumpyArray(values: values, shape: shape)
        let bytes = [UInt8](array.npyData)
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'descr': '<f8'") && header.contains("'fortran_order': False"))
        #expect(header.contains("'shape': \(array.shapeText)"))
        #expect(bytes.count == 10 + headerLength + 8 * count)
        #expect(try NumpyArray(npyData: array.npyData) == array)
    }

    @Test func shapeTextIsNumpys() {
        #expect(NumpyArray(values: [1], shape: []).shapeText == "()")
        #expect(NumpyArray([1, 2, 3]).shapeText == "(3,)")
        #expect(NumpyArray(values: [Double](repeating: 0, count: 6), shape: [2, 3]).shapeText == "(2, 3)")
    }

    @Test func valuesAreLittleEndianBinary64() throws {
        let data = NumpyArray([1.0, -.infinity]).npyData
        let tail = [UInt8](data.suffix(16))
        #expect(tail == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0xF0, 0xFF])
        #expect(try NumpyArray(npyData: data).values[1] == -.infinity)
    }

    @Test func refusesOtherFiles() {
        #expect(throws: NumpyFormatError.self) { try NumpyArray(npyData: Data("not numpy".utf8)) }
        var truncated = NumpyArray([1, 2, 3]).npyData
        truncated.removeLast(8)
        #expect(throws: NumpyFormatError.self) { try NumpyArray(npyData: truncated) }
    }
}

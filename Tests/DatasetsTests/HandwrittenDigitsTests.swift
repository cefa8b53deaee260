import DataFiles
import Testing

@testable import Datasets

/// The embedded digits against facts computed with numpy from scikit-learn's `digits.csv.gz` (independent of the
/// encoding and decoder here): counts, pixel sums, the first image, the class sizes.
@Suite struct HandwrittenDigitsTests {
    @Test func decodedImagesMatchTheSource() {
        let (pixels, labels) = HandwrittenDigits.decoded
        #expect(pixels.count == 1797 && labels.count == 1797)
        #expect(pixels.allSatisfy { $0.count == 64 && $0.allSatisfy { (0...16).contains($0) } })
        #expect(pixels.joined().reduce(0, +) == 561_718)
        #expect(pixels.joined().reduce(0) { $0 + $1 * $1 } == 6_907_012)
        #expect(pixels.prefix(3).map { $0.reduce(0, +) } == [294, 313, 344])
        #expect(Array(pixels[0].prefix(16)) == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0])
        #expect(labels[0] == 0)
        let classSizes = (0...9).map { digit in labels.filter { $0 == digit }.count }
        #expect(classSizes == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    }

    /// x = p / 8 − 1: the first image's first coordinates, the range, and the first-n prefix.
    @Test func trainingSetIsTheAffineImageOfThePixels() {
        let all = HandwrittenDigits.trainingSet()
        #expect(all.count == 1797 && all.dimension == 64)
        #expect(all.points.allSatisfy { (-1...1).contains($0) })
        #expect(Array(all.points.prefix(4)) == [-1, -1, -0.375, 0.625])
        let first = HandwrittenDigits.trainingSet(count: 10)
        #expect(first.count == 10 && first.points == Array(all.points.prefix(640)))
        // Mean of all pixels: 561718 / (1797 · 64) / 8 − 1.
        let mean = all.points.reduce(0, +) / Double(all.points.count)
        #expect(abs(mean - (561_718.0 / (1797 * 64) / 8 - 1)) < 1e-12)
    }
}

import DataFiles

/// The 8 × 8 handwritten digits that scikit-learn ships (`load_digits`): 1797 grey-scale images of the digits 0 to 9
/// (about 180 of each), 64 pixels each, from the UCI "Optical Recognition of Handwritten Digits" data set
/// (E. Alpaydin and C. Kaynak, 1998; CC BY 4.0; the attribution is in `HandwrittenDigits+Images.swift`).
///
/// Each pixel counts the ink of a 4 × 4 block of a 32 × 32 bitmap: an integer 0...16. As training points the
/// pixels are mapped affinely to [−1, 1], x = p / 8 − 1, the range score_sde's `data.centered` gives images (and the
/// scale on which the OU process's N(0, I) limit is comparable with the data). Pixels are in row-major order, top
/// row first: coordinate 8 r + c is row r, column c. The first n images (file order) are the training set of
/// size n. Decoding costs O(1797 × 64) once.
public enum HandwrittenDigits {
    public static let imageCount = 1797
    public static let side = 8
    public static let pixelCount = 64
    public static let largestPixel = 16

    /// The images, decoded: `imageCount` rows of `pixelCount` integer pixels 0...16, and the digit of each.
    public static let decoded: (pixels: [[Int]], labels: [Int]) = {
        let alphabet = Array("0123456789abcdefg")
        var pixels: [[Int]] = []
        var labels: [Int] = []
        for line in encodedImages.split(separator: "\n") {
            let characters = Array(line)
            precondition(characters.count == 1 + pixelCount, "HandwrittenDigits: a malformed image line")
            labels.append(Int(String(characters[0]))!)
            pixels.append(characters.dropFirst().map { alphabet.firstIndex(of: $0)! })
        }
        precondition(pixels.count == imageCount, "HandwrittenDigits: \(pixels.count) images, not \(imageCount)")
        return (pixels, labels)
    }()

    /// The digit (0...9) of each image.
    public static var labels: [Int] { decoded.labels }

    /// The first `count` images as points of [−1, 1]^64 (x = p / 8 − 1).
    public static func trainingSet(count: Int = imageCount) -> PointSet {
        precondition((1...imageCount).contains(count), "HandwrittenDigits: 1 to \(imageCount) images")
        let scale = 2 / Double(largestPixel)
        return PointSet(
            points: decoded.pixels.prefix(count).flatMap { row in row.map { scale * Double($0) - 1 } },
            dimension: pixelCount)
    }
}

import Foundation

/// Small grey-scale images (the 8 × 8 digits, a model's samples of them) in labelled rows, one tile an image.
///
/// Each image is `side` × `side` values, row-major with the top row first (value `r * side + c` is row r, column c,
/// as `HandwrittenDigits` stores pixels). A value v is drawn as the grey 255 (1 − t), t = (v − low) / (high − low)
/// clamped to [0, 1] with `valueRange` = low...high: low is white paper, high black ink; non-finite values take
/// `HeatMap.missingColor`, so they cannot be read as ink. Every pixel is one `<rect>`; a row label sits left of
/// its tiles. The canvas grows with the rows and the longest row: `tileSize` px a tile, `gap` px between tiles.
///
///     let grid = ImageGrid(rows: [.init("training", images: firstTwelve)], side: 8, valueRange: -1...1)
///     try grid.write(to: "digits.svg")
public struct ImageGrid: Figure {
    /// One labelled row of images.
    public struct Row: Sendable {
        public var label: String
        public var images: [[Double]]
        public init(_ label: String, images: [[Double]]) {
            self.label = label
            self.images = images
        }
    }

    public var rows: [Row]
    public var side: Int
    public var valueRange: ClosedRange<Double>
    public var title: String
    public var tileSize: Double
    public var gap: Double
    /// Room for the row labels, left of the tiles.
    public var labelWidth: Double

    public init(
        rows: [Row], side: Int, valueRange: ClosedRange<Double>, title: String = "", tileSize: Double = 40,
        gap: Double = 6, labelWidth: Double = 190
    ) {
        precondition(side >= 1 && valueRange.lowerBound < valueRange.upperBound, "ImageGrid: side >= 1, low < high")
        precondition(
            rows.allSatisfy { $0.images.allSatisfy { $0.count == side * side } },
            "ImageGrid: every image must have side × side values")
        (self.rows, self.side, self.valueRange, self.title) = (rows, side, valueRange, title)
        (self.tileSize, self.gap, self.labelWidth) = (tileSize, gap, labelWidth)
    }

    static let margin = 16.0
    static let titleHeight = 34.0

    public var size: FigureSize {
        let longest = Double(rows.map(\.images.count).max() ?? 0)
        let width = 2 * Self.margin + labelWidth + max(1, longest) * (tileSize + gap)
        let height = 2 * Self.margin + Self.titleHeight + max(1, Double(rows.count)) * (tileSize + gap)
        return FigureSize(width: width, height: height)
    }

    /// The fill of one value: "#rrggbb".
    public func fill(_ value: Double) -> String {
        guard value.isFinite else { return HeatMap.missingColor.hexString }
        let fraction = min(1, max(0, (value - valueRange.lowerBound) / (valueRange.upperBound - valueRange.lowerBound)))
        let grey = UInt8((255 * (1 - fraction)).rounded())
        return RGBColor(red: grey, green: grey, blue: grey).hexString
    }

    public func svg() -> String {
        var body = ""
        if !title.isEmpty {
            body +=
                "<text x=\"\(svgNumber(size.width / 2))\" y=\"\(svgNumber(Self.margin + 18))\" font-size=\"15\" "
                + "font-weight=\"bold\" fill=\"\(PlotStyle.textColor)\" text-anchor=\"middle\">"
                + "\(xmlEscaped(title))</text>\n"
        }
        let pixel = tileSize / Double(side)
        for (rowIndex, row) in rows.enumerated() {
            let top = Self.margin + Self.titleHeight + Double(rowIndex) * (tileSize + gap)
            body +=
                "<text x=\"\(svgNumber(Self.margin + labelWidth - 10))\" y=\"\(svgNumber(top + tileSize / 2 + 4))\" "
                + "font-size=\"12\" fill=\"\(PlotStyle.textColor)\" text-anchor=\"end\">"
                + "\(xmlEscaped(row.label))</text>\n"
            for (imageIndex, image) in row.images.enumerated() {
                let left = Self.margin + labelWidth + Double(imageIndex) * (tileSize + gap)
                body +=
                    "<g class=\"image\" transform=\"translate(\(svgNumber(left)) \(svgNumber(top))) "
                    + "scale(\(svgNumber(pixel)))\" shape-rendering=\"crispEdges\">\n"
                for index in 0..<(side * side) {
                    body +=
                        "<rect x=\"\(index % side)\" y=\"\(index / side)\" width=\"1\" height=\"1\" "
                        + "fill=\"\(fill(image[index]))\"/>\n"
                }
                body +=
                    "</g>\n<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(tileSize))\" "
                    + "height=\"\(svgNumber(tileSize))\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.5\"/>\n"
            }
        }
        return svgDocument(size: size, title: title, notes: [], body: body)
    }
}

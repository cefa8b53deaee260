import DataFiles
import DiffusionModels
import Foundation
import RandomStreams
import Safeguards

/// The seeded synthetic datasets of the memorization experiments.
///
/// | case | dimension | law |
/// |---|---|---|
/// | `swissRoll` | 2 | tau ~ U[1.5 pi, 4.5 pi], (tau cos tau, tau sin tau)/10 + jitter (THEORY §9) |
/// | `twoMoons` | 2 | two arcs + noise (below) |
/// | `mixture` | d | a Gaussian mixture's own sampler (`GaussianMixture.sample`) |
/// | `uniformSquare` | 2 | U[-h, h]^2 |
/// | `twoIntervals` | 1 | 0.3 U[-2, -1] + 0.7 U[1, 2] |
///
/// `twoMoons`: half the points on the upper arc (cos a, sin a), half on the lower (1 - cos a, 1/2 - sin a),
/// a ~ U[0, pi], + noise.
///
/// Every dataset is drawn from `Xoshiro256StarStar(seed:stream:)`: the same seed and stream give the same points.
/// Cost O(count d).
public enum SyntheticDataset: Sendable, Equatable {
    case swissRoll(SwissRoll)
    case twoMoons(noise: Double)
    case mixture(GaussianMixture)
    case uniformSquare(halfWidth: Double)
    case twoIntervals

    /// The name used on the command line.
    public var name: String {
        switch self {
        case .swissRoll: return "swiss-roll"
        case .twoMoons: return "moons"
        case .mixture: return "mixture"
        case .uniformSquare: return "square"
        case .twoIntervals: return "two-intervals"
        }
    }

    public var dimension: Int {
        switch self {
        case .swissRoll, .twoMoons, .uniformSquare: return 2
        case .mixture(let mixture): return mixture.dimension
        case .twoIntervals: return 1
        }
    }

    /// `count` points from stream `stream` under `seed`.
    public func generate(count: Int, seed: UInt64, stream: UInt64 = 0) -> PointSet {
        precondition(count >= 1, "SyntheticDataset: at least one point")
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        switch self {
        case .swissRoll(let roll):
            return roll.sample(count: count, seed: seed, stream: stream)
        case .twoMoons(let noise):
            var points = [Double](repeating: 0, count: 2 * count)
            for index in 0..<count {
                let angle = Double.pi * generator.nextUniform()
                let upper = index < (count + 1) / 2
                points[2 * index] = upper ? cos(angle) : 1 - cos(angle)
                points[2 * index + 1] = upper ? sin(angle) : 0.5 - sin(angle)
                if noise > 0 {
                    points[2 * index] += noise * Ziggurat.normal(using: &generator)
                    points[2 * index + 1] += noise * Ziggurat.normal(using: &generator)
                }
            }
            return PointSet(points: points, dimension: 2)
        case .mixture(let mixture):
            return PointSet(points: mixture.sample(count: count, using: &generator), dimension: mixture.dimension)
        case .uniformSquare(let halfWidth):
            let points = (0..<(2 * count)).map { _ in halfWidth * (2 * generator.nextUniform() - 1) }
            return PointSet(points: points, dimension: 2)
        case .twoIntervals:
            let points = (0..<count).map { _ -> Double in
                let left = generator.nextUniform() < 0.3
                let offset = generator.nextUniform()
                return left ? -2 + offset : 1 + offset
            }
            return PointSet(points: points, dimension: 1)
        }
    }

    /// The default dataset for a command-line name: Swiss roll without jitter, moons with noise 0.05, the mixture
    /// 0.5 N((-1, 0), 0.3^2 I) + 0.5 N((1, 0.5), 0.3^2 I), the square [-1, 1]^2, the two intervals.
    public static func named(_ name: String) -> SyntheticDataset? {
        switch name {
        case "swiss-roll": return .swissRoll(SwissRoll())
        case "moons": return .twoMoons(noise: 0.05)
        case "mixture":
            return .mixture(
                GaussianMixture(components: [
                    .init(weight: 0.5, mean: [-1, 0], standardDeviations: [0.3, 0.3]),
                    .init(weight: 0.5, mean: [1, 0.5], standardDeviations: [0.3, 0.3]),
                ]))
        case "square": return .uniformSquare(halfWidth: 1)
        case "two-intervals": return .twoIntervals
        default: return nil
        }
    }

    /// The names `named(_:)` accepts.
    public static let names = ["swiss-roll", "moons", "mixture", "square", "two-intervals"]
}

extension PointSet {
    /// A dataset from a file (CSV or `.npy`, any d), refused with a sentence naming the file and the row when it is
    /// empty, ragged, or holds NaN or infinity (see `PointSet(contentsOf:)`).
    public static func dataset(contentsOf path: String) throws -> PointSet {
        try PointSet(contentsOf: path)
    }

    /// Points written inline: rows separated by ';', coordinates by ',' ("0,0; 1,0.5" is two 2-D points); without
    /// a ';' every comma-separated number is a 1-D point ("0,2,2.5" is three points). Refuses empty lists, ragged
    /// rows and non-finite or non-numeric entries, naming the row; numbers are decimal literals only (`StrictNumber`:
    /// a NUL byte, "nan", "inf" or a hexadecimal float is refused, never read up to where it stops).
    public init(listing text: String) throws {
        let rows: [[Substring]]
        if text.contains(";") {
            rows = text.split(separator: ";", omittingEmptySubsequences: false).map {
                $0.split(separator: ",", omittingEmptySubsequences: false)
            }
        } else {
            rows = text.split(separator: ",", omittingEmptySubsequences: false).map { [$0] }
        }
        var points: [Double] = []
        var dimension: Int?
        for (index, row) in rows.enumerated() {
            let fields = row.map { $0.trimmingCharacters(in: .whitespaces) }
            // A trailing ';' leaves one empty row.
            if fields.count == 1 && fields[0].isEmpty && text.contains(";") && index == rows.count - 1 { continue }
            let values = fields.map { StrictNumber.double($0) }
            guard values.allSatisfy({ $0 != nil }), let numbers = Optional(values.map { $0! }),
                numbers.allSatisfy(\.isFinite)
            else {
                throw PointFileError(
                    "point \(index + 1) ('\(fields.joined(separator: ","))') is not a list of finite numbers")
            }
            if let dimension, dimension != numbers.count {
                throw PointFileError(
                    "point \(index + 1) has \(numbers.count) coordinates, "
                        + "earlier points have \(dimension) (ragged data)"
                )
            }
            dimension = numbers.count
            points.append(contentsOf: numbers)
        }
        guard let dimension, !points.isEmpty else { throw PointFileError("the point list is empty") }
        self.init(points: points, dimension: dimension)
    }
}

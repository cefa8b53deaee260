import DataFiles
import Foundation
import RandomStreams

/// The two-dimensional Swiss roll of THEORY §9 and its noise-free curve.
///
/// Data: tau = 1.5 pi (1 + 2 U), U ~ U[0, 1), so tau is uniform on [1.5 pi, 4.5 pi] (one and a half turns), and
/// the point is c(tau) = (tau cos tau, tau sin tau) / 10, plus optional Gaussian jitter N(0, jitter^2 I) added to
/// the scaled point (jitter in the units of the data). The curve c is the noise-free manifold the metrics compare
/// with: its speed is |c'(tau)| = (1 + tau^2)^(1/2) / 10, its length about 4.4.
public struct SwissRoll: Sendable, Equatable {
    /// Standard deviation of the Gaussian jitter added to every coordinate (0: points on the curve).
    public var jitter: Double

    /// The curve parameter's range [1.5 pi, 4.5 pi].
    public static let parameterRange: ClosedRange<Double> = (1.5 * Double.pi)...(4.5 * Double.pi)

    public init(jitter: Double = 0) {
        precondition(jitter >= 0 && jitter.isFinite, "SwissRoll: jitter must be finite and non-negative")
        self.jitter = jitter
    }

    /// The curve point c(tau) = (tau cos tau, tau sin tau) / 10.
    @inline(__always)
    public static func curvePoint(parameter tau: Double) -> (x: Double, y: Double) {
        (tau * cos(tau) / 10, tau * sin(tau) / 10)
    }

    /// `count` points, tau from stream `stream` under `seed` (one uniform per point, then two normals when
    /// jittered, in that order per point). Cost O(count).
    public func sample(count: Int, seed: UInt64, stream: UInt64 = 0) -> PointSet {
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        var points = [Double](repeating: 0, count: 2 * count)
        for index in 0..<count {
            let tau = 1.5 * Double.pi * (1 + 2 * generator.nextUniform())
            let point = Self.curvePoint(parameter: tau)
            points[2 * index] = point.x
            points[2 * index + 1] = point.y
            if jitter > 0 {
                points[2 * index] += jitter * Ziggurat.normal(using: &generator)
                points[2 * index + 1] += jitter * Ziggurat.normal(using: &generator)
            }
        }
        return PointSet(points: points, dimension: 2)
    }

    // MARK: Geometry of the curve

    /// The nearest point of the noise-free curve to (x, y): its parameter tau* = argmin over [1.5 pi, 4.5 pi] of
    /// f(tau) = |c(tau) - p|^2, and the distance f(tau*)^(1/2).
    ///
    /// Method: f on 384 equally spaced parameters (spacing 3 pi / 384 = 0.0245, at most 0.035 of arc); every
    /// sampled local minimum (endpoints included) is refined by golden-section search on its two neighbouring
    /// intervals to a parameter width of 1e-11, then the smallest is kept. This is the exact minimizer unless
    /// two local minima of f share one sampling interval; distinct local minima of the distance to this spiral
    /// lie on different turns (parameters about 2 pi apart), and near an endpoint the endpoint itself is a
    /// candidate. The dense-search test confirms it to 1e-9. Cost: about 450 evaluations of (cos, sin) per point.
    public static func nearestCurvePoint(x: Double, y: Double) -> (parameter: Double, distance: Double) {
        let (low, high) = (parameterRange.lowerBound, parameterRange.upperBound)
        let intervals = 384
        let spacing = (high - low) / Double(intervals)
        @inline(__always) func squaredDistance(_ tau: Double) -> Double {
            let point = curvePoint(parameter: tau)
            return (point.x - x) * (point.x - x) + (point.y - y) * (point.y - y)
        }
        var values = [Double](repeating: 0, count: intervals + 1)
        for index in 0...intervals { values[index] = squaredDistance(low + spacing * Double(index)) }
        var best = (parameter: low, value: Double.infinity)
        for index in 0...intervals {
            let left = index > 0 ? values[index - 1] : .infinity
            let right = index < intervals ? values[index + 1] : .infinity
            guard values[index] <= left && values[index] <= right else { continue }
            let bracketLow = low + spacing * Double(max(index - 1, 0))
            let bracketHigh = low + spacing * Double(min(index + 1, intervals))
            let refined = goldenSectionMinimum(of: squaredDistance, from: bracketLow, to: bracketHigh)
            if refined.value < best.value { best = refined }
            if values[index] < best.value { best = (low + spacing * Double(index), values[index]) }
        }
        return (best.parameter, best.value.squareRoot())
    }

    /// Distance from (x, y) to the noise-free curve (see `nearestCurvePoint`).
    public static func distanceToCurve(x: Double, y: Double) -> Double {
        nearestCurvePoint(x: x, y: y).distance
    }

    /// Mean distance of the points of a 2-D set to the noise-free curve, and its standard error (sample standard
    /// deviation / sqrt(N)). Cost: N nearest-point searches.
    public static func meanDistanceToCurve(of points: PointSet) -> (mean: Double, standardError: Double) {
        precondition(points.dimension == 2, "SwissRoll: distances to the curve need 2-D points")
        let distances = (0..<points.count).map {
            distanceToCurve(x: points.points[2 * $0], y: points.points[2 * $0 + 1])
        }
        return meanAndStandardError(distances)
    }

    /// Coverage along the roll: the parameter range is cut into `bins` equal bins; a bin is covered when at least
    /// one point lies within `tolerance` of the curve with its nearest curve point's parameter in that bin. Returns
    /// the covered fraction (1: every part of the roll is reached; mode collapse or memorization of a few points
    /// lowers it). Cost: N nearest-point searches.
    public static func coverage(of points: PointSet, bins: Int = 30, tolerance: Double = 0.05) -> Double {
        precondition(
            points.dimension == 2 && bins >= 1 && tolerance > 0,
            "SwissRoll.coverage: 2-D points, bins >= 1, tolerance > 0")
        var covered = [Bool](repeating: false, count: bins)
        let (low, width) = (parameterRange.lowerBound, parameterRange.upperBound - parameterRange.lowerBound)
        for index in 0..<points.count {
            let nearest = nearestCurvePoint(x: points.points[2 * index], y: points.points[2 * index + 1])
            guard nearest.distance <= tolerance else { continue }
            let bin = min(bins - 1, max(0, Int((nearest.parameter - low) / width * Double(bins))))
            covered[bin] = true
        }
        return Double(covered.filter { $0 }.count) / Double(bins)
    }
}

/// Golden-section search for the minimum of a unimodal f on [low, high], to a bracket of 1e-11; returns the best
/// of the final bracket's points. About 55 evaluations for a bracket of 0.05.
func goldenSectionMinimum(of function: (Double) -> Double, from low: Double, to high: Double) -> (
    parameter: Double, value: Double
) {
    let ratio = (5.0.squareRoot() - 1) / 2
    var (a, b) = (low, high)
    var c = b - ratio * (b - a)
    var d = a + ratio * (b - a)
    var (fc, fd) = (function(c), function(d))
    while b - a > 1e-11 {
        if fc < fd {
            (b, d, fd) = (d, c, fc)
            c = b - ratio * (b - a)
            fc = function(c)
        } else {
            (a, c, fc) = (c, d, fd)
            d = a + ratio * (b - a)
            fd = function(d)
        }
    }
    let candidates = [(a, function(a)), (b, function(b)), (c, fc), (d, fd)]
    let best = candidates.min { $0.1 < $1.1 }!
    return (best.0, best.1)
}

/// Mean and standard error (sample standard deviation / sqrt(N)) of a list of numbers; SE is 0 for one value.
func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let count = Double(values.count)
    let mean = values.reduce(0, +) / count
    guard values.count > 1 else { return (mean, 0) }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
    return (mean, (variance / count).squareRoot())
}

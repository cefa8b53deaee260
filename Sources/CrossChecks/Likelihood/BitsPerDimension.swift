import Foundation
import RandomStreams

/// Bits per dimension of data quantized to 2^b levels per axis, with uniform dequantization.
///
/// Derivation (this corrects the sign of b in THEORY §11). The data lie on the grid of spacing 2^-b in [0, 1)^d;
/// the atom x stands for its cell C(x) = x + [0, 2^-b)^d, of volume 2^(-b d). A continuous density p on R^d gives
/// the atom the discrete probability P(x) = int_C(x) p, and sum_x P(x) <= 1, so -log2 P(x) >= 0. Dequantize:
/// y = x + u with u ~ U[0, 2^-b)^d, whose density on C(x) is 2^(b d). Then
/// - P(x) ~ p(y) 2^(-b d) for p nearly constant on the cell, so the code length is
///   -log2 P(x) ~ -log2 p(y) + b d, and per dimension bpd(y) = -log2 p(y) / d + b = -log p(y) / (d ln 2) + b;
/// - exactly, by Jensen (log is concave): E_u[log2 p(x + u)] <= log2 E_u[p(x + u)] = log2(2^(b d) P(x)), so
///   E_u[bpd] >= -log2 P(x) / d >= 0: dequantized bpd is a code length and is never negative on average.
/// Without dequantization nothing bounds p at the atoms: a density > 2^(b d) there (a narrow mixture centred on the
/// atoms) makes -log2 p(x) / d + b < 0, the negative bits per dimension of score_sde issue #24.
///
/// Cost: one log-density per draw of u.
public enum BitsPerDimension {
    /// -log p(y) / (d ln 2) + b; nil when log p is not finite (no NaN or infinity passed on as a number).
    public static func value(logDensity: Double, dimension: Int, bits: Int) -> Double? {
        guard logDensity.isFinite, dimension > 0 else { return nil }
        return -logDensity / (Double(dimension) * M_LN2) + Double(bits)
    }

    /// y = x + u, u ~ U[0, 2^-b)^d (53 random bits per coordinate).
    public static func dequantized(_ atom: [Double], bits: Int, using generator: inout Xoshiro256StarStar)
        -> [Double]
    {
        let width = Foundation.exp2(-Double(bits))
        return atom.map { $0 + width * generator.nextUniform() }
    }

    /// `drawsPerAtom` dequantized copies of every atom: atom i's draws are entries i D ..< (i + 1) D, drawn from
    /// stream i of `seed` (so they do not depend on which atoms come before or on threads).
    public static func dequantizedPoints(atoms: [[Double]], bits: Int, drawsPerAtom: Int, seed: UInt64) -> [[Double]] {
        atoms.enumerated().flatMap { index, atom in
            var generator = Xoshiro256StarStar(seed: seed, stream: UInt64(index))
            return (0..<drawsPerAtom).map { _ in dequantized(atom, bits: bits, using: &generator) }
        }
    }

    /// The mean bpd over `logDensities` (one per draw) and its standard error (sample standard deviation over
    /// sqrt(n)); nil when any log-density is missing or not finite, or there are fewer than two.
    public static func average(logDensities: [Double?], dimension: Int, bits: Int) -> MeanEstimate? {
        var values: [Double] = []
        for logDensity in logDensities {
            guard let logDensity, let bpd = value(logDensity: logDensity, dimension: dimension, bits: bits) else {
                return nil
            }
            values.append(bpd)
        }
        return MeanEstimate(values)
    }

    /// E_u[bpd(x + u)] for one atom x, averaged over `drawCount` draws of u from stream `stream` of `seed`, with the
    /// log-density `logDensity` (the exact one, or a probability-flow estimate).
    public static func dequantizedExpectation(
        atom: [Double], bits: Int, drawCount: Int, seed: UInt64, stream: UInt64 = 0,
        logDensity: ([Double]) -> Double?
    ) -> MeanEstimate? {
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        let logDensities = (0..<drawCount).map { _ in logDensity(dequantized(atom, bits: bits, using: &generator)) }
        return average(logDensities: logDensities, dimension: atom.count, bits: bits)
    }
}

/// A sample mean with its standard error s / sqrt(n) (s the n - 1 standard deviation).
public struct MeanEstimate: Sendable, Equatable {
    public var mean: Double
    public var standardError: Double
    public var count: Int

    /// The sample variance s^2 (n - 1 denominator) = SE^2 n.
    public var variance: Double { standardError * standardError * Double(count) }

    /// Nil for fewer than two values or a non-finite mean.
    public init?(_ values: [Double]) {
        guard values.count >= 2 else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let spread = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        guard mean.isFinite, spread.isFinite else { return nil }
        self.mean = mean
        standardError = (spread / Double(values.count)).squareRoot()
        count = values.count
    }
}

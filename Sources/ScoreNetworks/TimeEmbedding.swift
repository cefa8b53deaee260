import Foundation

/// How the network sees the diffusion step n of the DDPM schedule (THEORY §9).
///
/// - `sinusoidal`: 64 features [sin(n ω_0), …, sin(n ω_31), cos(n ω_0), …, cos(n ω_31)] with
///   ω_j = exp(−ln(10⁴) j / (32 − 1)), j = 0 … 31 (frequencies from 1 down to 10⁻⁴; n unnormalized);
/// - `scalar`: one feature, the raw n / N.
///
/// A fractional n (a time between two schedule steps) is accepted by both. Cost: 64 sin/cos or one division.
public enum TimeEmbedding: String, Sendable, CaseIterable, Codable {
    case sinusoidal
    case scalar

    /// The number of sinusoidal frequencies (half the sinusoidal feature count).
    public static let frequencyCount = 32

    /// ω_j = exp(−ln(10⁴) j / (32 − 1)).
    public static let frequencies: [Double] = (0..<frequencyCount).map { index in
        exp(-log(1e4) * Double(index) / Double(frequencyCount - 1))
    }

    /// Features per step: 64 or 1.
    public var featureCount: Int {
        switch self {
        case .sinusoidal: return 2 * Self.frequencyCount
        case .scalar: return 1
        }
    }

    /// Writes the features of step `step` (out of `stepCount`) into `features[0 ..< featureCount]`.
    public func features(step: Double, stepCount: Int, into features: UnsafeMutablePointer<Double>) {
        switch self {
        case .sinusoidal:
            for (index, frequency) in Self.frequencies.enumerated() {
                features[index] = sin(step * frequency)
                features[Self.frequencyCount + index] = cos(step * frequency)
            }
        case .scalar:
            features[0] = step / Double(stepCount)
        }
    }

    /// The features of one step as an array.
    public func features(step: Double, stepCount: Int) -> [Double] {
        var result = [Double](repeating: 0, count: featureCount)
        result.withUnsafeMutableBufferPointer { features(step: step, stepCount: stepCount, into: $0.baseAddress!) }
        return result
    }
}

/// The network's hidden nonlinearity.
///
/// - `silu`: φ(a) = a σ(a), σ(a) = 1/(1 + e^(−a)), φ'(a) = σ(a) (1 + a (1 − σ(a)));
/// - `relu`: φ(a) = max(a, 0), φ'(a) = 1 for a > 0, else 0.
public enum Activation: String, Sendable, CaseIterable, Codable {
    case silu
    case relu
}

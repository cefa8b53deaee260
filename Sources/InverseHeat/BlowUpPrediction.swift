import Foundation
import GridFields

extension BackwardEquation {
    /// The reverse time s with tau(s) = `spectralTime`, or nil when tau never gets there (OU: tau < 1/2 always).
    public func reverseTime(forSpectralTime spectralTime: Double) -> Double? {
        guard spectralTime > 0 else { return 0 }
        switch self {
        case .heat(let diffusivity): return spectralTime / diffusivity
        case .ornsteinUhlenbeck:
            guard spectralTime < 0.5 else { return nil }
            return -0.5 * Foundation.log1p(-2 * spectralTime)
        }
    }
}

/// When the naive inversion should blow up: the first reverse time at which the noise in the grid's largest
/// wavenumber, amplified by exp(k_max^2 tau(s)), reaches the threshold times the data's norm.
///
/// Noise model: white noise of L2 norm delta spreads evenly over the N modes of the grid, eta_delta = delta /
/// sqrt(N) a mode (in L2 units: a mode's share of ||u||_2 is (h^d / N)^(1/2) |X_k|). The data also carries
/// round-off: `roundOffLevel` = epsilon h^(d/2) max_k |X_k|, one unit in the last place of the largest coefficient
/// in every mode (what an FFT round trip leaves; with delta = 0 it is the only noise). So
/// eta = (delta + roundOffLevel) / sqrt(N), and the relative error first reaches the threshold theta when
///
///     eta exp(k_max^2 tau(s*)) = theta ||g||,   i.e.   tau(s*) = ln(theta ||g|| / eta) / k_max^2
///
/// (heat: s* = ln(theta ||g|| / eta) / (D k_max^2); OU: s* = -ln(1 - 2 ln(theta ||g|| / eta) / k_max^2) / 2, which
/// exists only while the logarithm is below k_max^2 / 2: the OU amplification saturates at exp(k_max^2 / 2)).
/// k_max is the data grid's largest wavenumber, the corner mode (sqrt(sum_a (pi floor(n_a/2) / L)^2)). Leading
/// order only: the norm of the solution is taken constant over the short time to blow-up (in the heat picture),
/// and the modes just below k_max, which add a few times the top mode's energy, are left out; both change the
/// logarithm by O(1) against ln(theta ||g|| / eta) = 5 to 40, so the measured time lands within tens of percent.
public struct BlowUpPrediction: Sendable, Equatable {
    /// delta, the L2 norm of the added noise.
    public let noiseLevel: Double
    /// epsilon h^(d/2) max_k |X_k| (L2 units), the data's round-off.
    public let roundOffLevel: Double
    /// eta = (delta + roundOffLevel) / sqrt(N), the expected noise in one mode.
    public let modeNoiseLevel: Double
    /// k_max of the data grid.
    public let largestWavenumber: Double
    /// ||g||_2 on the data grid.
    public let dataNorm: Double
    public let threshold: Double
    /// s*, or nil when the largest amplification never reaches the threshold.
    public let reverseTime: Double?

    public init(
        equation: BackwardEquation, grid: Grid, noiseLevel: Double, dataSummary: SpectrumSummary, threshold: Double
    ) {
        let layout = SpectralLayout(grid: grid)
        let cellCount = Double(grid.count)
        self.noiseLevel = noiseLevel
        self.threshold = threshold
        roundOffLevel = Double.ulpOfOne * grid.cellVolume.squareRoot() * dataSummary.largestCoefficient
        modeNoiseLevel = (noiseLevel + roundOffLevel) / cellCount.squareRoot()
        largestWavenumber = layout.largestSquaredWavenumber.squareRoot()
        dataNorm = (grid.cellVolume * dataSummary.sumOfSquares / cellCount).squareRoot()
        let logarithm = Foundation.log(threshold * dataNorm / modeNoiseLevel)
        reverseTime = equation.reverseTime(forSpectralTime: max(logarithm, 0) / layout.largestSquaredWavenumber)
    }

    /// The data error the regularization rules assume: delta plus the round-off level (> 0 even for delta = 0).
    public var effectiveNoiseLevel: Double { noiseLevel + roundOffLevel }

    /// Steps that resolve the predicted time into `stepsPerBlowUpTime` steps: ceil(stepsPerBlowUpTime T / s*),
    /// at least `minimum` and at most `maximum`; `minimum` when no blow-up is predicted before T.
    public func suggestedStepCount(
        finalTime: Double, stepsPerBlowUpTime: Int = 100, minimum: Int = 100, maximum: Int = 100_000
    ) -> Int {
        guard let reverseTime, reverseTime < finalTime else { return minimum }
        let wanted = (Double(stepsPerBlowUpTime) * finalTime / max(reverseTime, finalTime / Double(maximum))).rounded(
            .up)
        return Int(min(max(wanted, Double(minimum)), Double(maximum)))
    }
}

import GridFields
import ParticleSampling
import SampleStatistics

/// How far a particle histogram lies from a grid density's cell masses, measured every way the project uses, next
/// to the level sampling alone would give.
///
/// Like is compared with like: the histogram's masses phat_i = n_i / M against the grid's cell masses P_i
/// (`CellMasses`), plus one bin for the particles outside the box (mass P_out). With these,
/// - `totalVariation` = (1/2) sum |phat_i - P_i| over the cells and the outside bin (`Field.totalVariationDistance`
///   of the two cell-average densities, plus half the outside difference);
/// - `hellinger` = H with H^2 = (1/2) sum (sqrt(phat_i) - sqrt(P_i))^2 over the cells;
/// - `klDivergence` = KL(histogram || grid) = sum phat_i log(phat_i / P_i) over the cells, both densities floored
///   at `klFloor` inside the logarithm (empty cells contribute nothing);
/// - `wasserstein` = W1 between the two cell-mass distributions: exact in 1-D, sliced (the mean over fixed
///   directions) in 2-D and 3-D;
/// - in 1-D, the Kolmogorov–Smirnov statistic of the particles inside the box against the grid's distribution
///   function conditioned on the box (`GridDistributionFunction`, error O(h^4)), with its p-value;
/// - Pearson's chi-square over the cells and the outside bin (expected counts M P_i; bins expecting fewer than 5
///   pooled), with its p-value;
/// - `samplingLevel`: E TV and its standard error for a multinomial histogram of M particles over exactly these
///   masses (`MultinomialSamplingLevel`); the histogram agrees with the grid when |TV - E TV| <= 4 SE.
/// Cost O(n + M log M) (the KS sort) for n cells and M particles, plus the sliced W1 in 2-D.
public struct HistogramDiscrepancy: Sendable, Equatable {
    public let particleCount: Int
    public let outsideCount: Int
    public let totalVariation: Double
    public let hellinger: Double
    public let klDivergence: Double
    public let wasserstein: Double
    /// 1-D only.
    public let kolmogorovSmirnovStatistic: Double?
    public let kolmogorovSmirnovPValue: Double?
    public let chiSquareStatistic: Double
    public let chiSquareDegreesOfFreedom: Int
    public let chiSquarePValue: Double
    public let samplingLevel: MultinomialSamplingLevel

    /// L1 distance of the cell masses (cells and outside bin), 2 TV.
    public var l1Distance: Double { 2 * totalVariation }
    public var expectedTotalVariation: Double { samplingLevel.expectedTotalVariation }
    public var totalVariationStandardError: Double { samplingLevel.totalVariationStandardError }
    /// (TV - E TV) / SE.
    public var standardScore: Double { samplingLevel.standardScore(of: totalVariation) }

    /// Compares the first M = `positions.count / d` particles (flat, d per particle) with `cellMasses`.
    /// - Parameters:
    ///   - klFloor: the floor of both densities inside the KL logarithm.
    ///   - slicedDirections: directions of the sliced W1 in 2-D and 3-D.
    public init(positions: [Double], cellMasses: CellMasses, klFloor: Double = 1e-12, slicedDirections: Int = 64) {
        let grid = cellMasses.grid
        let histogram = ParticleHistogram(positions: positions, grid: grid)
        let count = histogram.particleCount
        precondition(count >= 1, "HistogramDiscrepancy: at least one particle")
        let sampled = histogram.density
        let reference = cellMasses.averageDensity
        let outsideFraction = Double(histogram.outsideCount) / Double(count)
        particleCount = count
        outsideCount = histogram.outsideCount
        totalVariation =
            sampled.totalVariationDistance(to: reference) + abs(outsideFraction - cellMasses.outsideMass) / 2
        hellinger = sampled.hellingerDistance(to: reference)
        klDivergence = sampled.klDivergence(to: reference, floor: klFloor)
        wasserstein = sampled.wassersteinDistance(to: reference, directions: slicedDirections)
        if grid.dimension == 1 {
            let inside = positions.filter { $0 >= -grid.halfWidth && $0 < grid.halfWidth }
            let distribution = GridDistributionFunction(cellMasses: cellMasses)
            if inside.isEmpty {
                (kolmogorovSmirnovStatistic, kolmogorovSmirnovPValue) = (nil, nil)
            } else {
                let test = KolmogorovSmirnovTest(sample: inside, cumulativeDistribution: { distribution.value(at: $0) })
                (kolmogorovSmirnovStatistic, kolmogorovSmirnovPValue) = (test.statistic, test.pValue)
            }
        } else {
            (kolmogorovSmirnovStatistic, kolmogorovSmirnovPValue) = (nil, nil)
        }
        let binMasses = cellMasses.binMasses
        let chiSquare = ChiSquareTest(
            observed: (histogram.counts + [histogram.outsideCount]).map(Double.init),
            expected: binMasses.map { $0 * Double(count) })
        chiSquareStatistic = chiSquare.statistic
        chiSquareDegreesOfFreedom = chiSquare.degreesOfFreedom
        chiSquarePValue = chiSquare.pValue
        samplingLevel = MultinomialSamplingLevel(binMasses: binMasses, particleCount: count)
    }
}

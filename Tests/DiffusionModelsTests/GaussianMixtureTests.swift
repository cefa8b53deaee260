import Foundation
import GridFields
import Testing

@testable import DiffusionModels

@Suite struct GaussianMixtureTests {
    static let oneDimensional = GaussianMixture.paperOneDimensional
    static let twoDimensional = GaussianMixture.correlatedTwoDimensional

    /// The evolved mixture equals the convolution int p_t(x|y) rho_0(y) dy (composite Simpson, 40001 nodes).
    @Test(arguments: [0.1, 0.5, 1.0])
    func evolvedMixtureEqualsKernelConvolution(time: Double) {
        let model = LinearSDE.ornsteinUhlenbeck
        let evolved = Self.oneDimensional.evolved(under: model, to: time)
        for point in [-2.5, -0.3, 0.0, 1.1, 3.0] {
            let nodeCount = 40001
            let (lower, upper) = (-6.0, 6.0)
            let width = (upper - lower) / Double(nodeCount - 1)
            var integral = 0.0
            for node in 0..<nodeCount {
                let origin = lower + Double(node) * width
                let weight = node == 0 || node == nodeCount - 1 ? 1.0 : (node % 2 == 1 ? 4.0 : 2.0)
                integral +=
                    weight * model.transitionDensity(at: [point], from: [origin], endTime: time)
                    * Self.oneDimensional.density(at: [origin])
            }
            integral *= width / 3
            #expect(relativeDifference(evolved.density(at: [point]), integral) < 1e-9)
        }
    }

    /// The grid field (one pass over the cells, rows split over threads) equals `density(at:)` at each cell
    /// centre bit for bit: the same operations in the same order, in 1-D, 2-D (a correlated component) and 3-D
    /// (full covariances), on shapes whose axes differ so a transposed index would show, with 1 and 3 threads.
    @Test(arguments: [1, 3])
    func gridFieldEqualsPointwiseDensityBitForBit(threads: Int) {
        let threeDimensional = GaussianMixture(components: [
            .init(weight: 0.3, mean: [0.5, -1, 0.2], covariance: [0.6, 0.1, 0.05, 0.1, 0.4, -0.1, 0.05, -0.1, 0.9]),
            .init(weight: 0.7, mean: [-1, 1, 0], standardDeviations: [0.5, 0.8, 1.1]),
        ])
        let cases: [(GaussianMixture, Grid)] = [
            (Self.oneDimensional, Grid(shape: [301], halfWidth: 6)),
            (Self.twoDimensional, Grid(shape: [33, 47], halfWidth: 4)),
            (threeDimensional, Grid(shape: [7, 5, 9], halfWidth: 3)),
        ]
        for (mixture, grid) in cases {
            let field = mixture.field(on: grid, threads: threads)
            let mismatches = (0..<grid.count).filter { index in
                field.values[index].bitPattern != mixture.density(at: grid.point(at: index)).bitPattern
            }
            #expect(
                mismatches.isEmpty, "\(grid.shape): \(mismatches.count) cells differ, first \(mismatches.first ?? -1)")
            // A slab of rows (a rank's planes in 3-D): the same bits as those rows of the pointwise density.
            let rowCount = grid.count / grid.shape[grid.dimension - 1]
            let rows = (rowCount / 3)..<(rowCount / 3 + max(1, rowCount / 2))
            let slab = mixture.values(on: grid, rows: rows, threads: threads)
            let columns = grid.shape[grid.dimension - 1]
            #expect(slab.count == rows.count * columns)
            let slabMismatches = slab.indices.filter { index in
                slab[index].bitPattern
                    != mixture.density(at: grid.point(at: rows.lowerBound * columns + index)).bitPattern
            }
            #expect(slabMismatches.isEmpty, "\(grid.shape): \(slabMismatches.count) slab cells differ")
        }
    }

    /// grad log rho against a central difference of log rho (step 1e-5: error about 1e-10 relative).
    @Test func scoreEqualsFiniteDifferenceOfLogDensity() {
        for mixture in [Self.oneDimensional, Self.twoDimensional] {
            let dimension = mixture.dimension
            for sample in 0..<5 {
                let point = (0..<dimension).map { Double(sample) * 0.6 - 1.3 + 0.2 * Double($0) }
                let score = mixture.score(at: point)
                for axis in 0..<dimension {
                    let step = 1e-5
                    var plus = point
                    var minus = point
                    plus[axis] += step
                    minus[axis] -= step
                    let difference = (mixture.logDensity(at: plus) - mixture.logDensity(at: minus)) / (2 * step)
                    #expect(abs(score[axis] - difference) < 1e-7 * max(1, abs(difference)))
                }
            }
        }
    }

    /// Tweedie: grad log rho_t(x) = (m <X0>(x, t) - x) / v, for every model and the full-covariance mixture.
    @Test func posteriorMeanSatisfiesTweedie() {
        let models: [LinearSDE] = [
            .ornsteinUhlenbeck, .variancePreserving(), .varianceExploding(sigmaMinimum: 0.1, sigmaMaximum: 5),
        ]
        for model in models {
            for time in [0.05, 0.4, 0.9] {
                let evolved = Self.twoDimensional.evolved(under: model, to: time)
                let scale = model.meanScale(to: time)
                let variance = model.variance(to: time)
                for point in [[0.2, -0.7], [-1.5, 1.0], [2.0, 0.3]] {
                    let score = evolved.score(at: point)
                    let posteriorMean = Self.twoDimensional.posteriorMean(at: point, time: time, under: model)
                    for axis in 0..<2 {
                        let tweedie = (scale * posteriorMean[axis] - point[axis]) / variance
                        #expect(abs(score[axis] - tweedie) < 1e-9 * max(1, abs(tweedie)), "\(model.name) t=\(time)")
                    }
                }
            }
        }
    }

    /// Sample mean and covariance within 4 standard errors (fixed seed).
    @Test func samplesHaveTheMixtureMoments() {
        var generator = SeededGenerator(seed: 2026)
        let count = 200_000
        let mixture = Self.twoDimensional
        let samples = mixture.sample(count: count, using: &generator)
        let mean = mixture.mean
        let covariance = mixture.covariance
        for axis in 0..<2 {
            let values = (0..<count).map { samples[2 * $0 + axis] }
            let sampleMean = values.reduce(0, +) / Double(count)
            let standardError = (covariance[3 * axis] / Double(count)).squareRoot()
            #expect(abs(sampleMean - mean[axis]) < 4 * standardError)
            let sampleVariance = values.reduce(0) { $0 + ($1 - sampleMean) * ($1 - sampleMean) } / Double(count - 1)
            let fourthMoment = values.reduce(0) { $0 + pow($1 - sampleMean, 4) } / Double(count)
            let varianceError = ((fourthMoment - sampleVariance * sampleVariance) / Double(count)).squareRoot()
            #expect(abs(sampleVariance - covariance[3 * axis]) < 4 * varianceError)
        }
    }

    @Test func densityIntegratesToOneAndMomentsMatch() {
        let mixture = Self.oneDimensional
        let width = 0.001
        var (mass, first) = (0.0, 0.0)
        for node in 0..<20000 {
            let x = -10 + (Double(node) + 0.5) * width
            let value = mixture.density(at: [x])
            mass += value * width
            first += x * value * width
        }
        #expect(abs(mass - 1) < 1e-12)
        #expect(abs(first - mixture.mean[0]) < 1e-12)
        #expect(abs(mixture.mean[0] - (0.3 * -2 + 0.7 * 1.5)) < 1e-15)
    }

    @Test func specificationParsing() throws {
        let mixture = try GaussianMixture(specification: "0.5:-1.5,0:0.5;0.5:1.5,1:0.5,0.25", dimension: 2)
        #expect(mixture.components.count == 2)
        #expect(mixture.components[1].mean == [1.5, 1])
        #expect(mixture.components[1].covariance == [0.25, 0, 0, 0.0625])
    }

    @Test(arguments: [
        ("", "no components"),
        ("0.3:-2", "must have the form weight:mean:std"),
        ("0.3:-2:0.2;0.6:1:1", "weights sum to"),
        ("1:abc:1", "mean 'abc' is not a number"),
        ("1:nan:1", "'nan' is not a number"),
        ("1:0:-1", "std must be positive"),
        ("-1:0:1;2:0:1", "weight must be one positive number"),
        ("1:0,1:1", "mean has 2 coordinate(s)"),
        ("1:inf:1", "'inf' is not a number"),
    ])
    func malformedSpecificationsAreRefusedWithAReason(specification: String, reason: String) {
        do {
            _ = try GaussianMixture(specification: specification, dimension: 1)
            Issue.record("'\(specification)' was accepted")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }
}

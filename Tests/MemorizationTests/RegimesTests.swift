import Datasets
import Foundation
import MessagePassing
import ParticleSampling
import Safeguards
import SampleStatistics
import Testing

@testable import Memorization

/// The regime studies' predictions against values computed independently (scipy, by Bayes' rule directly: nested
/// adaptive quadrature over the class coordinate of X_0 instead of the Gaussian conditioning formulas), and the
/// studies' reproducibility.
@Suite struct RegimesTests {
    /// phi(t) against scipy's nested quadrature at four (d, t); both quadratures are accurate to 1e-10, so 1e-9.
    @Test func sameClassProbabilityMatchesAnIndependentQuadrature() {
        let references: [(Int, Double, Double)] = [
            (16, 1.0, 0.8959901989175035), (64, 0.5 * log(65.0), 0.7727491454728276),
            (256, 3.5, 0.596366371478467), (4, 0.3, 0.9086560715832679),
        ]
        for (dimension, time, expected) in references {
            let value = TwoClassData(dimension: dimension).sameClassProbability(branchTime: time)
            #expect(abs(value - expected) < 1e-9, "d = \(dimension), t = \(time): \(value) against \(expected)")
        }
        #expect(abs(TwoClassData.limitingSameClassProbabilityAtSpeciation - 0.7752002453966635) < 1e-10)
        // scipy's brentq on its own phi: t where phi = 0.9 at d = 64.
        #expect(abs(TwoClassData(dimension: 64).branchTime(atSameClassProbability: 0.9) - 1.6789149352086352) < 1e-8)
        #expect(abs(TwoClassData(dimension: 15).speciationTime - 0.5 * log(16.0)) < 1e-15)
    }

    /// The order statistics of the median interval against scipy.stats.binom (largest j with
    /// 1 - 2 P(B <= j - 1) >= 0.95): j = 180 for M = 400, 87 for 201, 469 for 1000.
    @Test(arguments: [(400, 180), (201, 87), (1000, 469)])
    func medianIntervalUsesTheExactBinomialOrder(count: Int, order: Int) {
        let sample = (1...count).reversed().map(Double.init)
        let interval = MedianInterval(sample: sample)
        #expect(interval.lower == Double(order))
        #expect(interval.upper == Double(count + 1 - order))
        #expect(interval.median == (count % 2 == 1 ? Double(count / 2 + 1) : Double(count + 1) / 2))
    }

    /// t_C against THEORY §10's examples (d = 64, n = 1000: 0.82; d = 2, n = 1000: 5e-4), and sigma_C against its
    /// formula with the derivative of ln(V_t / v_t) taken by central differences of the closed forms written here.
    @Test func collapsePredictionMatchesTheTheory() {
        #expect(abs(CollapsePrediction(dimension: 64, trainingCount: 1000).collapseTime - 0.82) < 0.005)
        #expect(abs(CollapsePrediction(dimension: 2, trainingCount: 1000).collapseTime - 5e-4) < 0.5e-4)
        for variance in [1.0, 2.0] {
            let prediction = CollapsePrediction(dimension: 40, trainingCount: 403, dataVariance: variance)
            let time = prediction.collapseTime
            // Entropy balance: alpha + (1/2) ln(D / (D + s^2 e^-2t)) = 0 at t_C.
            let spread = 1 - exp(-2 * time)
            #expect(abs(prediction.alpha + 0.5 * log(spread / (spread + variance * exp(-2 * time)))) < 1e-12)
            func logRatio(_ t: Double) -> Double {
                log((exp(-2 * t) * variance + 1 - exp(-2 * t)) / (1 - exp(-2 * t)))
            }
            let slope = (logRatio(time + 1e-5) - logRatio(time - 1e-5)) / 2e-5
            let correlation = (exp(-2 * time) * variance / (exp(-2 * time) * variance + spread)).squareRoot()
            let expected = 2 * correlation / (40.0.squareRoot() * abs(slope))
            #expect(abs(prediction.finiteDimensionSpread - expected) < 1e-8 * expected)
        }
        #expect(CollapsePrediction.trainingCount(alpha: 0.15, dimension: 64) == 14765)
        #expect(CollapsePrediction.trainingCount(alpha: 1, dimension: 64) == nil)
    }

    /// The spectral t_C: equal eigenvalues give the isotropic closed form and spread; a spectrum of four and the
    /// digits' sample covariance (first 300, 1000, all 1797 images) against scipy.optimize.brentq on
    /// (1/2d) sum ln(1 + e^-2t lambda_k / D_t) = alpha with numpy's eigvalsh; sigma_C against its formula with
    /// the slope by central differences of sum ln(V_k / v_t) written here.
    @Test func spectralCollapsePredictionMatchesReferences() {
        let isotropic = CollapsePrediction(dimension: 40, trainingCount: 403, dataVariance: 2)
        let equal = CollapsePrediction(trainingCount: 403, eigenvalues: [Double](repeating: 2, count: 40))
        #expect(abs(equal.collapseTime / isotropic.collapseTime - 1) < 1e-12)
        #expect(abs(equal.finiteDimensionSpread / isotropic.finiteDimensionSpread - 1) < 1e-10)
        let spectrum: [Double] = [3, 0.5, 0.1, 2]
        let four = CollapsePrediction(trainingCount: 5, eigenvalues: spectrum)
        #expect(abs(four.collapseTime - 0.31660242715907133) < 1e-11)
        #expect(abs(four.speciationTime! - 0.5 * log(3.0)) < 1e-15 && four.dataVariance == 1.4)
        let time = four.collapseTime
        func logRatios(_ t: Double) -> Double {
            spectrum.reduce(0) { $0 + log((exp(-2 * t) * $1 + 1 - exp(-2 * t)) / (1 - exp(-2 * t))) }
        }
        let slope = 0.5 * (logRatios(time + 1e-5) - logRatios(time - 1e-5)) / 2e-5
        let correlations = spectrum.reduce(0) { $0 + exp(-2 * time) * $1 / (exp(-2 * time) * $1 + 1 - exp(-2 * time)) }
        #expect(abs(four.finiteDimensionSpread - correlations.squareRoot() / abs(slope)) < 1e-8)
        for (count, reference) in [(300, 0.36293360115349216), (1000, 0.3127803957435392), (1797, 0.2912771087489221)] {
            let digits = HandwrittenDigits.trainingSet(count: count)
            let covariance = SymmetricEigenvalues.covariance(points: digits.points, dimension: 64)
            let prediction = CollapsePrediction(
                trainingCount: count, eigenvalues: SymmetricEigenvalues.of(covariance, size: 64))
            #expect(abs(prediction.collapseTime - reference) < 1e-9)
        }
        #expect(CollapsePrediction(dimension: 8, trainingCount: 10, dataVariance: 0.5).speciationTime == nil)
    }

    /// The same numbers with 1 and 2 threads, for both studies.
    @Test func studiesDoNotDependOnTheThreadCount() throws {
        func speciation(threads: Int) throws -> [Double] {
            try SpeciationStudy(
                dimensions: [8], branchOffsets: [0, 0.5], pairs: 300, stepWidth: 0.2, seed: 4, threads: threads
            ).run().map(\.measured)
        }
        #expect(try speciation(threads: 1) == speciation(threads: 2))
        func collapse(threads: Int) throws -> [Double] {
            let study = CollapseStudy(
                cases: [.init(dimension: 40, trainingCount: 50)], trajectories: 150, horizon: 1.5, steps: 30,
                seed: 6, threads: threads)
            let measurement = try study.run()[0]
            return measurement.weightTimes + measurement.ownerTimes
        }
        #expect(try collapse(threads: 1) == collapse(threads: 2))
    }

    /// The study's cases over 1, 2 and 3 in-process ranks (split longest first) give the one-rank measurements bit for
    /// bit on rank 0 (times, medians, marginal checks, predictions, status), and nil on the others; and every
    /// `RunStatus` survives the wire.
    @Test func collapseCasesOverRanksEqualOneRank() throws {
        let study = CollapseStudy(
            cases: [
                .init(dimension: 12, trainingCount: 40), .init(dimension: 20, trainingCount: 30),
                .init(dimension: 8, trainingCount: 60),
            ], trajectories: 60, horizon: 1.5, steps: 20, marginalCheckCount: 2, seed: 9)
        let serial = try study.run()
        func fingerprint(_ measurement: CollapseMeasurement) -> [UInt64] {
            let numbers =
                measurement.weightTimes + measurement.ownerTimes
                + [measurement.weightMedian.median, measurement.weightMedian.lower, measurement.ownerMedian.upper]
                + measurement.marginalChecks.flatMap { [$0.time, $0.trajectoryFraction, $0.standardError] }
                + [measurement.prediction.collapseTime]
            return numbers.map(\.bitPattern)
        }
        for ranks in 1...3 {
            let results = InProcessCommunicator.run(ranks: ranks) { communicator in
                try? study.run(on: communicator)
            }
            #expect(results[0]?.map(fingerprint) == serial.map(fingerprint), "\(ranks) ranks")
            #expect(results[0]?.map(\.status) == serial.map(\.status))
            #expect(results.dropFirst().allSatisfy { $0 == nil })
        }
        let statuses: [RunStatus] = [
            .completed, .nonFinite(time: nil, step: 3, particle: nil), .nonFinite(time: 0.5, step: 2, particle: 7),
            .massDrift(time: 1, step: 4, relativeDrift: 1e-3), .blewUp(time: 0.25, step: 9, amplitudeRatio: 1e8),
            .errorExceeded(time: 0.1, step: 1, relativeError: 2, threshold: 1),
        ]
        for status in statuses {
            var writer = WireWriter()
            status.write(to: &writer)
            var reader = WireReader(writer.bytes)
            #expect(try RunStatus(from: &reader) == status)
            #expect(reader.isAtEnd)
        }
    }

    /// Trajectory-level definitions: every trajectory ends on a training point (b = 0), its weight time lies in
    /// [0, T] and its owner time on a grid midpoint or T.
    @Test func collapseTimesAreWellDefined() throws {
        let study = CollapseStudy(
            cases: [.init(dimension: 8, trainingCount: 20)], trajectories: 200, horizon: 2, steps: 40, seed: 2)
        let measurement = try study.run()[0]
        #expect(measurement.weightTimes.allSatisfy { $0 >= 0 && $0 <= 2 })
        let grid = (0..<40).map { 2 - 0.05 * (Double($0) + 0.5) } + [2]
        #expect(measurement.ownerTimes.allSatisfy { time in grid.contains { abs($0 - time) < 1e-12 } })
        #expect(measurement.status == .completed)
    }
}

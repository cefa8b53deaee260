import Foundation
import GridFields
import InverseHeat
import RandomStreams
import Testing

/// THEORY §8's log-convexity ||u(t)|| <= ||u(0)||^(1 - t/T) ||u(T)||^(t/T) for the exact solution, on 100 random
/// band-limited initial data (random bandwidth and spectral decay), to round-off.
@Suite struct LogConvexityTests {
    /// Norms are sums of squares of O(N) terms: a few units in the last place.
    static let roundOff = 1e-13
    static let times = [0.1, 0.25, 0.5, 0.75, 0.9]

    static func randomProblems(_ equation: BackwardEquation, finalTime: Double, count: Int) throws
        -> [InverseHeatProblem]
    {
        var generator = Xoshiro256StarStar(seed: 2025, stream: 1)
        return try (0..<count).map { index in
            let bandwidth = 1 + Int(generator.next() % 30)
            let decay = 4 * generator.nextUniform()
            return try bandLimitedProblem(
                equation, grid: Grid(dimension: 1, points: 64, halfWidth: Double.pi), finalTime: finalTime,
                bandwidth: bandwidth, decay: decay, seed: UInt64(index)
            )
        }
    }

    @Test func holdsForOneHundredRandomInitialDataUnderTheHeatEquation() throws {
        var tightest = Double.infinity
        for problem in try Self.randomProblems(.heat(diffusivity: 1), finalTime: 0.2, count: 100) {
            for sample in try LogConvexity.check(problem, times: Self.times.map { $0 * 0.2 }) {
                #expect(abs(sample.fraction - sample.time / 0.2) < 1e-15)
                #expect(sample.relativeSlack >= -Self.roundOff, "t = \(sample.time): \(sample.norm) > \(sample.bound)")
                tightest = min(tightest, sample.relativeSlack)
            }
        }
        #expect(tightest < 0.5, "some random data come close to equality")
    }

    /// For OU the inequality holds for the heat solution behind the density: theta = (e^(2t) - 1)/(e^(2T) - 1).
    @Test func holdsForOneHundredRandomInitialDataUnderOrnsteinUhlenbeck() throws {
        for problem in try Self.randomProblems(.ornsteinUhlenbeck, finalTime: 0.3, count: 100) {
            for sample in try LogConvexity.check(problem, times: Self.times.map { $0 * 0.3 }) {
                #expect(abs(sample.fraction - expm1(2 * sample.time) / expm1(0.6)) < 1e-14)
                #expect(sample.relativeSlack >= -Self.roundOff)
            }
        }
    }

    /// Equality for data on one wavenumber shell (a single cosine): the inequality is sharp, so the check above is
    /// not loose by construction.
    @Test func isAnEqualityForASingleMode() throws {
        let grid = Grid(dimension: 1, points: 64, halfWidth: Double.pi)
        let values = grid.coordinates(axis: 0).map { cos(5 * $0) }
        let problem = try InverseHeatProblem(
            equation: .heat(diffusivity: 1), grid: grid, finalTime: 0.1, initialData: .bandLimited(values: values))
        for sample in try LogConvexity.check(problem, times: [0.025, 0.05, 0.075]) {
            #expect(abs(sample.relativeSlack) < Self.roundOff)
            #expect(abs(sample.norm - Double.pi.squareRoot() * exp(-25 * sample.time)) < 1e-13)
        }
    }
}

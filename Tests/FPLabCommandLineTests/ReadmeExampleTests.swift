import FPLabCommandLine
import FokkerPlanckLab
import Testing

/// The README's library snippets, verbatim, so they keep compiling and keep meaning what they say.
@Suite struct ReadmeExampleTests {
    @Test func gridAndParticleSnippets() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let mixture = GaussianMixture.paperOneDimensional // "0.3:-2:0.2;0.7:1.5:0.5"
        let problem = FokkerPlanckProblem(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: grid), endTime: 1)
        let result = try solve(problem, .integratingFactorRK4) // result.status, .snapshots, .finalDensity

        let score = ExactMixtureScore(mixture: mixture, model: .ornsteinUhlenbeck)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
            integrator: .eulerMaruyama, timeGrid: .geometric(from: 1, to: 1e-3, steps: 500), seed: 7)
        let particles = try sampler.run(
            initial: .mixture(mixture.evolved(under: .ornsteinUhlenbeck, to: 1)), count: 100_000)
        let histogram = ParticleHistogram(positions: particles.positions, grid: grid) // on the solver's cells

        #expect(result.status == .completed)
        #expect(
            result.finalDensity.distanceLInfinity(to: mixture.evolved(under: .ornsteinUhlenbeck, to: 1).field(on: grid))
                < 1e-10)
        // The reverse particles return (up to t-min = 1e-3) to the mixture: the histogram's L1 distance to it is at
        // the sampling level (about sqrt(cells / M) = 0.05) plus the bin-width bias, well under 0.15.
        #expect(particles.status == .completed)
        #expect(
            histogram.density.distanceL1(to: mixture.evolved(under: .ornsteinUhlenbeck, to: 1e-3).field(on: grid))
                < 0.15)
    }

    /// The experiment snippet: the library value built with the defaults gives the table `fplab forward --format
    /// markdown` prints (the command resolves its options to the same value), and its errors are the spectral
    /// method's round-off (below 1e-10 against the closed-form mixture).
    @Test func experimentSnippet() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let mixture = GaussianMixture.paperOneDimensional
        let experiment = ForwardExperiment(
            process: .ornsteinUhlenbeck, mixture: mixture, grid: grid, method: .integratingFactorRK4, endTime: 1)
        let outcome = try experiment.run() // outcome.status, .rows, .finalDensity
        let markdown = outcome.report.rendered(as: .markdown)

        let command = try #require(try FPLab.parseAsRoot(["forward", "--format", "markdown"]) as? Forward)
        #expect(try command.experiment().run().report.rendered(as: .markdown) == markdown)
        #expect(outcome.status == .completed)
        #expect(outcome.rows.count == 5 && outcome.rows.allSatisfy { ($0.lInfinityError ?? .infinity) < 1e-10 })
    }
}

import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Scores
import Testing

@testable import Reconstruction

/// The four-way contrast's parts: the push-forward, the particle runs, the start draws (the contrast itself, with
/// derived bounds and planted defects, is the claim reverse-contrast).
@Suite struct ContrastTests {
    /// The 1-D push-forward conserves mass exactly inside the box and, for a map that is the identity (a score of
    /// a flat density: <X0> = x / m ... here a tiny t), returns the density.
    @Test func pushForwardConservesMass() throws {
        let grid = Grid(dimension: 1, points: 200, halfWidth: 10)
        let density = paperMixture.evolved(under: .ornsteinUhlenbeck, to: 0.05).field(on: grid)
        let score = ExactMixtureScore(mixture: paperMixture, model: .ornsteinUhlenbeck)
        let mapped = PosteriorMeanMap.pushForward(density, score: score, time: 0.05)
        #expect(abs(mapped.density.integral + mapped.lostMass - density.integral) < 1e-12)
        // Closer to rho_0 than rho_(0.05) is.
        #expect(
            mapped.density.distanceL1(to: paperMixture.field(on: grid))
                < density.distanceL1(to: paperMixture.field(on: grid)))
        let grid2 = Grid(shape: [40, 40], halfWidth: 6)
        let mixture2 = try GaussianMixture(specification: "0.5:-1.5,0:0.5;0.5:1.5,1:0.5", dimension: 2)
        let density2 = mixture2.evolved(under: .ornsteinUhlenbeck, to: 0.05).field(on: grid2)
        let mapped2 = PosteriorMeanMap.pushForward(
            density2, score: ExactMixtureScore(mixture: mixture2, model: .ornsteinUhlenbeck), time: 0.05)
        #expect(abs(mapped2.density.integral + mapped2.lostMass - density2.integral) < 1e-12)
    }

    /// The particle runs give the same bits with one thread and with two (every segment and block has its stream).
    @Test func particlesDoNotDependOnThreads() throws {
        let grid = Grid(dimension: 1, points: 64, halfWidth: 8)
        let start = try GridDensityDraws(
            density: paperMixture.evolved(under: .ornsteinUhlenbeck, to: 1).field(on: grid)
        ).draw(count: 3000, seed: 4, stream: 1)
        func run(threads: Int) throws -> [Double] {
            try ParticleReconstruction(
                model: .ornsteinUhlenbeck, score: ExactMixtureScore(mixture: paperMixture, model: .ornsteinUhlenbeck),
                horizon: 1, minimumTime: 1e-3, dynamics: .reverseSDE, steps: 50, seed: 9, threads: threads
            )
            .run(from: start, grid: grid).positions
        }
        #expect(try run(threads: 1) == run(threads: 2))
    }
}

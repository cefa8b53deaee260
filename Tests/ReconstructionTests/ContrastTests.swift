import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Scores
import Testing

@testable import Reconstruction

/// The four-way contrast and its parts: the push-forward, the particle runs, the start draws.
@Suite struct ContrastTests {
    /// On the default 1-D case (smaller particle runs), the naive inversion blows up before t = 0 while the reverse
    /// PDE completes with L1 below 1e-3, and both particle methods complete with L1 at their histogram's sampling
    /// level (below 0.1 for 2·10^4 particles on 256 cells).
    @Test func naiveBlowsUpTheOthersReturn() throws {
        let contrast = ReconstructionContrast(
            model: .ornsteinUhlenbeck, mixture: paperMixture, grid: Grid(dimension: 1, points: 256, halfWidth: 10),
            minimumTime: 1e-4, particleCount: 20_000, particleSteps: 200, seed: 2)
        let result = try contrast.run()
        let rows = Dictionary(uniqueKeysWithValues: result.rows.map { ($0.method, $0) })
        #expect(rows[.naive]!.status.name == "blew-up")
        #expect((rows[.naive]!.blowUpTime ?? .infinity) < 0.1)
        #expect(rows[.naive]!.comparison == nil)
        let pde = try #require(rows[.pde]!.comparison)
        #expect(pde.l1Distance <= 1e-3, "pde L1 \(pde.l1Distance)")
        #expect(abs(pde.totalVariation - pde.l1Distance / 2) < 1e-15)
        for method in [ReconstructionMethod.sde, .flow] {
            let comparison = try #require(rows[method]!.comparison)
            #expect(comparison.l1Distance < 0.1, "\(method) L1 \(comparison.l1Distance)")
            #expect(rows[method]!.history.count >= 5)
        }
    }

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

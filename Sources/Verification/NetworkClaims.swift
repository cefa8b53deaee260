import Datasets
import DiffusionModels
import Foundation
import ParticleSampling
import ScoreNetworks

/// The claim about learned scores: a network trained by denoising score matching generalizes where the exact
/// finite-data score memorizes (THEORY §6, §7, §9).
extension VerificationSuite {
    static let networkGeneralizes = Claim(
        name: "network-generalizes",
        statement: "A score network trained by denoising score matching lowers its loss and generates samples away from the training points, where the exact finite-data score returns the training points (50 Swiss-roll points, novelty threshold 0.02)."
    ) { settings in
        let training = SwissRoll().sample(count: 50, seed: settings.seed &+ 3)
        let architecture = NetworkArchitecture(dimension: 2, width: 64, depth: 2, embedding: .sinusoidal)
        let configuration = TrainingConfiguration(batchSize: 128, learningRate: 2e-3, seed: settings.seed)
        let trainer = DenoisingTrainer(state: TrainingState(architecture: architecture, configuration: configuration),
                                       data: training.points, threads: settings.threads)
        let updates = settings.quick ? 1000 : 2500
        guard trainer.train(steps: updates) == .completed else { throw SamplerError("the network's training stopped: non-finite loss") }
        let losses = trainer.state.lossHistory
        let lossRatio = losses.suffix(100).reduce(0, +) / losses.prefix(100).reduce(0, +)
        let network = trainer.state.network
        let sampleCount = settings.quick ? 1000 : 2000
        let networkSamples = try network.generate(count: sampleCount, steps: 250, seed: settings.seed, threads: settings.threads)
        let exactSamples = try ParticleSampler(
            dynamics: .reverseSDE(process: ornsteinUhlenbeck, score: FiniteDatasetScore(data: training.points, dimension: 2), form: .score),
            integrator: .ddpm, timeGrid: network.schedule.samplingGrid(steps: 1000), seed: settings.seed, threads: settings.threads
        ).run(initial: .mixture(.standardNormal(dimension: 2)), count: sampleCount)
        let networkNovelty = NoveltySummary(samples: PointSet(points: networkSamples.positions, dimension: 2), training: training, threshold: 0.02)
        let exactNovelty = NoveltySummary(samples: PointSet(points: exactSamples.positions, dimension: 2), training: training, threshold: 0.02)
        return [
            .atMost("DSM loss, mean of the last 100 updates / mean of the first 100", lossRatio, 0.7, settings: settings),
            .atMost("novelty fraction with the exact finite-data score", exactNovelty.noveltyFraction, 0.05, settings: settings),
            .atLeast("novelty fraction, network minus exact score", networkNovelty.noveltyFraction - exactNovelty.noveltyFraction, 0.5, settings: settings),
        ]
    }
}

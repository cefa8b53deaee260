import DataFiles
import Datasets
import Foundation
import Memorization
import Safeguards
import ScoreNetworks

/// One `fplab train` run, every default resolved: a noise-prediction MLP of `architecture` trained by denoising
/// score matching with Adam (`configuration`) on `training` up to `totalSteps` updates, from scratch or from the
/// `resumed` state, then measured: the held-out loss by time bucket and `sampleCount` samples drawn with the DDPM
/// bridge in `samplingSteps` steps (THEORY §6, §9).
public struct TrainExperiment: Sendable {
    public var training: PointSet
    /// The dataset's name as given (reports quote it; for a data file it names no points).
    public var datasetName: String
    /// The synthetic dataset the training points were drawn from (nil for a data file): sliced W2 is measured
    /// against fresh points of it, and the Swiss roll's geometry applies when it is the roll.
    public var dataset: SyntheticDataset?
    /// The file the training points were read from, as given (nil for a drawn dataset).
    public var dataPath: String?
    public var architecture: NetworkArchitecture
    public var configuration: TrainingConfiguration
    /// The state a resumed run continues from, and the checkpoint file it was read from, as given.
    public var resumed: TrainingState?
    public var resumedFrom: String?
    /// Updates in total (a resumed run continues up to it).
    public var totalSteps: Int
    /// Samples drawn from the trained network, the DDPM bridge steps that draw them, and the distance beyond which
    /// a sample is novel (farther than it from every training point).
    public var sampleCount: Int
    public var samplingSteps: Int
    public var noveltyThreshold: Double
    /// The file the trained state is written to (atomically) at the end, and every `checkpointInterval` updates
    /// before it when an interval is given.
    public var checkpointPath: String?
    public var checkpointInterval: Int?
    /// Worker threads; the weights depend on the seed alone (`configuration.seed`), never on the thread count.
    public var threads: Int

    public init(
        training: PointSet, datasetName: String, dataset: SyntheticDataset?, dataPath: String? = nil,
        architecture: NetworkArchitecture, configuration: TrainingConfiguration, resumed: TrainingState? = nil,
        resumedFrom: String? = nil, totalSteps: Int, sampleCount: Int, samplingSteps: Int, noveltyThreshold: Double,
        checkpointPath: String? = nil, checkpointInterval: Int? = nil, threads: Int = 1
    ) {
        self.training = training
        self.datasetName = datasetName
        self.dataset = dataset
        self.dataPath = dataPath
        self.architecture = architecture
        self.configuration = configuration
        self.resumed = resumed
        self.resumedFrom = resumedFrom
        self.totalSteps = totalSteps
        self.sampleCount = sampleCount
        self.samplingSteps = samplingSteps
        self.noveltyThreshold = noveltyThreshold
        self.checkpointPath = checkpointPath
        self.checkpointInterval = checkpointInterval
        self.threads = threads
    }

    /// Whether the training points are the Swiss roll (so the roll's geometry applies).
    public var isSwissRoll: Bool { dataset?.name == "swiss-roll" }

    /// Trains (from scratch or from the resumed state) up to `totalSteps`, writing checkpoints as asked, then
    /// measures the network: held-out loss by time bucket and samples with their quality metrics. `progress` hears
    /// the fraction of this run's updates done and a line that says the step, the loss, the examples a second and
    /// the time left (built only when called). A checkpoint that cannot be written is an `ExperimentError` naming
    /// `--checkpoint`.
    public func run(progress: ((Double, @escaping () -> String) -> Void)? = nil) throws -> TrainOutcome {
        let clock = ContinuousClock.now
        let state = resumed ?? TrainingState(architecture: architecture, configuration: configuration)
        let trainer = DenoisingTrainer(state: state, data: training.points, threads: threads)
        let startStep = state.step
        let stepsToRun = totalSteps - state.step
        let trainingClock = ContinuousClock.now
        var checkpointError: Error?
        let status = trainer.train(steps: stepsToRun) { step, loss in
            if let every = checkpointInterval, let path = checkpointPath, step % every == 0, step < totalSteps,
                checkpointError == nil
            {
                do { try NetworkCheckpoint.save(trainer.state, to: path) } catch { checkpointError = error }
            }
            progress?(Double(step - startStep) / Double(max(stepsToRun, 1))) {
                let elapsed = secondsElapsed(since: trainingClock)
                let rate = Double((step - startStep) * configuration.batchSize) / elapsed
                let remaining = Double((totalSteps - step) * configuration.batchSize) / rate
                return String(
                    format: "step %d/%d, loss %.4f, %.0f examples/s, ETA %.0f s", step, totalSteps, loss, rate,
                    remaining)
            }
        }
        let trainingSeconds = secondsElapsed(since: trainingClock)
        if let checkpointError { throw ExperimentError("--checkpoint: \(checkpointError)") }
        if let path = checkpointPath { try NetworkCheckpoint.save(trainer.state, to: path) }
        let network = trainer.state.network
        let evaluation = try NetworkEvaluation.measure(
            network: network, training: training, dataset: dataset, samples: sampleCount,
            samplingSteps: samplingSteps, noveltyThreshold: noveltyThreshold,
            seed: configuration.seed, threads: threads)
        return TrainOutcome(
            experiment: self, state: trainer.state, status: status, startStep: startStep,
            trainingSeconds: trainingSeconds, evaluation: evaluation,
            wallSeconds: secondsElapsed(since: clock))
    }
}

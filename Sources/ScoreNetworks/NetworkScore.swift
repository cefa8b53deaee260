import DiffusionModels
import Foundation
import ParticleSampling
import Scores

/// A trained noise-prediction network as a score provider for the Ornstein–Uhlenbeck (DDPM) model:
/// s(x, t) = −ε̂_θ(x, n(t)) / σ_t with σ_t = √(1 − e^(−2t)), and ⟨X0⟩(x, t) = (x − σ_t ε̂_θ(x, n(t))) / e^(−t).
///
/// n(t) is the schedule's step at OU time t (`NoiseSchedule.step(atTime:)`): exact at every t_n (the DDPM grid
/// `TimeGrid.ddpmSchedule` lands on them), linear interpolation of t_n in n between steps (a fractional step, which
/// both embeddings accept), clamped to N above t_N. The score is not defined at t = 0 (σ_0 = 0); the DDPM and
/// DDIM samplers never ask for it there. So the existing samplers (DDPM bridge, DDIM, Euler–Maruyama on the reverse
/// SDE, the probability flow) run from a trained network unchanged.
/// Cost per point: one forward pass, Σ in_l out_l multiply-adds.
public struct NetworkScore: ScoreProvider {
    public let network: ScoreNetwork
    public var dimension: Int { network.architecture.dimension }
    public var model: LinearSDE { .ornsteinUhlenbeck }
    public var name: String { "network (\(network.architecture.summary))" }

    public init(network: ScoreNetwork) {
        self.network = network
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        network.predictNoise(at: points, step: network.schedule.step(atTime: time), into: scores)
        let scale = -1 / (-expm1(-2 * time)).squareRoot()
        for index in 0..<points.count { scores[index] *= scale }
    }

    public func posteriorMean(
        at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        network.predictNoise(at: points, step: network.schedule.step(atTime: time), into: means)
        let noiseScale = (-expm1(-2 * time)).squareRoot()
        let inverseSignal = exp(time)
        for index in 0..<points.count { means[index] = (points[index] - noiseScale * means[index]) * inverseSignal }
    }
}

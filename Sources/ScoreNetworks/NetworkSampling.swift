import DiffusionModels
import ParticleSampling

extension NoiseSchedule {
    /// A decreasing time grid on `steps` of the schedule's steps, t_(n_K), …, t_(n_1), 0 with n_k = ⌊N k / K⌋
    /// (K ≤ N; K = N is the whole schedule). The network is then evaluated at integer steps only.
    public func samplingGrid(steps: Int) -> TimeGrid {
        precondition((1...stepCount).contains(steps), "NoiseSchedule.samplingGrid: 1 ≤ steps ≤ N")
        return TimeGrid(times: stride(from: steps, through: 0, by: -1).map { times[stepCount * $0 / steps] })
    }
}

extension ScoreNetwork {
    /// `count` samples by the DDPM bridge update (THEORY §5) driven by `NetworkScore`, from N(0, I) at t_N
    /// (ρ at t_N ≈ 5.03 is N(0, I) up to a mean scale e^(−5.03) ≈ 0.0065) down to 0 on `samplingGrid(steps:)`.
    /// Same seed, same samples whatever `threads` (the particle core's blocks).
    /// Cost: `steps` forward passes per sample.
    public func generate(count: Int, steps: Int, seed: UInt64, threads: Int = 1) throws -> ParticleRunResult {
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(
                process: LinearSDE.ornsteinUhlenbeck, score: NetworkScore(network: self), form: .score),
            integrator: .ddpm, timeGrid: schedule.samplingGrid(steps: steps), seed: seed, threads: threads)
        return try sampler.run(initial: .mixture(.standardNormal(dimension: architecture.dimension)), count: count)
    }
}

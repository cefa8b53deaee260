import ArgumentParser
import FokkerPlanckLab

/// `ParticleIntegrator` as an option value: its raw values are the command line's spellings.
extension ParticleIntegrator: ExpressibleByArgument {}

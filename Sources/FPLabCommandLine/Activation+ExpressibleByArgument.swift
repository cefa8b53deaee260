import ArgumentParser
import FokkerPlanckLab

/// `Activation` as an option value: its raw values are the command line's spellings.
extension Activation: ExpressibleByArgument {}

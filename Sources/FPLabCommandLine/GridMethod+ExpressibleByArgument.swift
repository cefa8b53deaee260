import ArgumentParser
import FokkerPlanckLab

/// `GridMethod` as an option value: its raw values are the command line's spellings.
extension GridMethod: ExpressibleByArgument {}

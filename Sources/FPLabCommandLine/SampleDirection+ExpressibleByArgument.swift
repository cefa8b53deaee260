import ArgumentParser
import FokkerPlanckLab

/// `SampleDirection` as an option value: its raw values are the command line's spellings.
extension SampleDirection: ExpressibleByArgument {}

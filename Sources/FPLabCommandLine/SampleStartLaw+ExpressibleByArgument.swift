import ArgumentParser
import FokkerPlanckLab

/// `SampleStartLaw` as an option value: its raw values are the command line's spellings.
extension SampleStartLaw: ExpressibleByArgument {}

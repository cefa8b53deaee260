import ArgumentParser
import FokkerPlanckLab

/// `SampleScoreKind` as an option value: its raw values are the command line's spellings.
extension SampleScoreKind: ExpressibleByArgument {}

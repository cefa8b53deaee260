import ArgumentParser
import FokkerPlanckLab

/// `GenerateScoreChoice` as an option value: its raw values are the command line's spellings.
extension GenerateScoreChoice: ExpressibleByArgument {}

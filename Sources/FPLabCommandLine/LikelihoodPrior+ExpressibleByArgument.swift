import ArgumentParser
import FokkerPlanckLab

/// `LikelihoodPrior` as an option value: its raw values are the command line's spellings.
extension LikelihoodPrior: ExpressibleByArgument {}

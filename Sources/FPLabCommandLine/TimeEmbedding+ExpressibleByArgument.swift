import ArgumentParser
import FokkerPlanckLab

/// `TimeEmbedding` as an option value: its raw values are the command line's spellings.
extension TimeEmbedding: ExpressibleByArgument {}

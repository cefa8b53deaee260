import ArgumentParser
import FokkerPlanckLab

/// `StartLaw` as an option value: its raw values are the command line's spellings.
extension StartLaw: ExpressibleByArgument {}

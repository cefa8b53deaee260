import ArgumentParser
import FokkerPlanckLab

/// `InversionMethod` as an option value: its raw values are the command line's spellings.
extension InversionMethod: ExpressibleByArgument {}

import ArgumentParser
import FokkerPlanckLab

/// `SampleSchedule` as an option value: its raw values are the command line's spellings.
extension SampleSchedule: ExpressibleByArgument {}

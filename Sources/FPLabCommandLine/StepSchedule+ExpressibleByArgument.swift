import ArgumentParser
import FokkerPlanckLab

/// `StepSchedule` as an option value: its raw values are the command line's spellings.
extension StepSchedule: ExpressibleByArgument {}

import ArgumentParser
import FokkerPlanckLab

/// `TrainingPrecision` as an option value: its raw values (float64, float32) are the command line's spellings.
extension TrainingPrecision: ExpressibleByArgument {}

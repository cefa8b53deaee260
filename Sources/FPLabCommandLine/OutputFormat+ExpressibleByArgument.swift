import ArgumentParser
import FokkerPlanckLab

extension OutputFormat: ExpressibleByArgument {}

import ArgumentParser
import FokkerPlanckLab

extension ContrastScore: ExpressibleByArgument {}

import InverseHeat

/// The defects planted in the inversions of the backward heat and OU equations (THEORY §8).
extension PlantedDefect {
    /// The heat equation's diffusivity multiplied by `factor` in the equation an inversion receives: the naive
    /// step's amplification exp(D |k|^2 s) and the regularized multipliers get an exponent `factor` times too large.
    /// OU problems are inverted unchanged.
    public static func inversionDiffusivity(_ factor: Double) -> PlantedDefect {
        PlantedDefect(
            name: "inverted diffusivity \(percent(factor))",
            description: "the heat equation is inverted with D \(percent(factor)) off (amplification exponent "
                + "\(percent(factor)) off)."
        ) { subjects in
            subjects.inversionEquation = { equation in
                if case .heat(let diffusivity) = equation { return .heat(diffusivity: factor * diffusivity) }
                return equation
            }
        }
    }

    /// The OU equation inverted as the heat equation with D = 1: the drift div(x rho) left out of the backward step
    /// (no grid stretch, no Jacobian e^(-s), amplification exp(|k|^2 s) instead of exp(|k|^2 (1 - e^(-2s))/2)).
    public static var inversionWithoutDrift: PlantedDefect {
        PlantedDefect(
            name: "OU drift left out of the inversion",
            description: "the OU equation is inverted as the heat equation with D = 1 (its drift dropped)."
        ) { subjects in
            subjects.inversionEquation = { equation in
                if case .ornsteinUhlenbeck = equation { return .heat(diffusivity: 1) }
                return equation
            }
        }
    }
}

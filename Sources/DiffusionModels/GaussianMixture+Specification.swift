extension GaussianMixture {
    /// The paper's data density in 1-D: rho_0 = 0.3 N(-2, 0.2^2) + 0.7 N(1.5, 0.5^2), written
    /// "0.3:-2:0.2;0.7:1.5:0.5". Every command's 1-D default and every 1-D claim start from it.
    public static let paperOneDimensional = GaussianMixture(components: [
        Component(weight: 0.3, mean: [-2], standardDeviations: [0.2]),
        Component(weight: 0.7, mean: [1.5], standardDeviations: [0.5]),
    ])

    /// The 2-D default: 0.5 N((-1.5, 0), 0.5^2 I) + 0.5 N((1.5, 1), 0.5^2 I), written
    /// "0.5:-1.5,0:0.5;0.5:1.5,1:0.5".
    public static let paperTwoDimensional = GaussianMixture(components: [
        Component(weight: 0.5, mean: [-1.5, 0], standardDeviations: [0.5, 0.5]),
        Component(weight: 0.5, mean: [1.5, 1], standardDeviations: [0.5, 0.5]),
    ])

    /// A 2-D mixture with one correlated and one diagonal component: 0.4 N((-1, 0.5), [[0.5, 0.2], [0.2, 0.3]]) +
    /// 0.6 N((1.2, -0.3), diag(0.7^2, 0.4^2)). The checks of the score's curvature and of the likelihood use it where
    /// the paper's isotropic mixture would hide an error in an off-diagonal term.
    public static let correlatedTwoDimensional = GaussianMixture(components: [
        Component(weight: 0.4, mean: [-1, 0.5], covariance: [0.5, 0.2, 0.2, 0.3]),
        Component(weight: 0.6, mean: [1.2, -0.3], standardDeviations: [0.7, 0.4]),
    ])

    /// A 3-D mixture of two full covariances and one diagonal (weights 0.25, 0.45, 0.3), for the same checks in 3-D.
    public static let correlatedThreeDimensional = GaussianMixture(components: [
        Component(weight: 0.25, mean: [0, 1, -1], covariance: [1.0, 0.3, 0.1, 0.3, 0.6, -0.2, 0.1, -0.2, 0.8]),
        Component(weight: 0.45, mean: [1, -0.5, 0.5], covariance: [0.4, -0.1, 0.0, -0.1, 0.5, 0.15, 0.0, 0.15, 0.9]),
        Component(weight: 0.30, mean: [-1.5, 0, 0.5], standardDeviations: [0.6, 0.8, 0.5]),
    ])

    /// The 3-D default: 0.5 N((-1.5, 0, 0), 0.5^2 I) + 0.5 N((1.5, 1, 0.5), 0.5^2 I), written
    /// "0.5:-1.5,0,0:0.5;0.5:1.5,1,0.5:0.5" (the 2-D default lifted, the second mean moved off the plane).
    public static let paperThreeDimensional = GaussianMixture(components: [
        Component(weight: 0.5, mean: [-1.5, 0, 0], standardDeviations: [0.5, 0.5, 0.5]),
        Component(weight: 0.5, mean: [1.5, 1, 0.5], standardDeviations: [0.5, 0.5, 0.5]),
    ])

    /// The default mixture of the command line in `dimension` (1, 2 or 3): `paperOneDimensional`,
    /// `paperTwoDimensional` or `paperThreeDimensional`; nil in other dimensions.
    public static func paper(dimension: Int) -> GaussianMixture? {
        switch dimension {
        case 1: return paperOneDimensional
        case 2: return paperTwoDimensional
        case 3: return paperThreeDimensional
        default: return nil
        }
    }

    /// The mixture written back as the text `init(specification:dimension:)` reads, so that a record holds exactly
    /// the value that ran: `weight:mean:std` per component, joined by `;`, means' coordinates by `,`, one std when
    /// every axis has the same. Numbers are the shortest decimal that reads back as the same double (integers
    /// without ".0"), and std is the square root of the stored variance (sqrt(fl(s^2)) = s for every double s in
    /// round-to-nearest, so the text reads back as the same mixture). Nil when a covariance is not diagonal: the
    /// text form has no off-diagonal entries.
    public var specification: String? {
        var pieces: [String] = []
        for component in components {
            let dimension = component.mean.count
            var deviations: [Double] = []
            for row in 0..<dimension {
                for column in 0..<dimension where column != row {
                    if component.covariance[row * dimension + column] != 0 { return nil }
                }
                deviations.append(component.covariance[row * dimension + row].squareRoot())
            }
            let std = deviations.allSatisfy { $0 == deviations[0] } ? [deviations[0]] : deviations
            let fields = [[component.weight], component.mean, std].map {
                $0.map(Self.specificationNumber).joined(separator: ",")
            }
            pieces.append(fields.joined(separator: ":"))
        }
        return pieces.joined(separator: ";")
    }

    /// The shortest round-trip decimal of `value`, integers without a fraction ("-2", not "-2.0").
    static func specificationNumber(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension GaussianMixture {
    /// The law of e . X for X ~ rho: sum_k w_k N(e . mu_k, e^T Sigma_k e), 1-D (the slice along `direction`, which
    /// need not be a unit vector). Cost O(K d^2).
    public func projected(onto direction: [Double]) -> GaussianMixture {
        precondition(direction.count == dimension, "GaussianMixture.projected: direction must be a d-vector")
        return GaussianMixture(
            components: components.map { component in
                let mean = zip(component.mean, direction).reduce(0) { $0 + $1.0 * $1.1 }
                var variance = 0.0
                for row in 0..<dimension {
                    for column in 0..<dimension {
                        variance += direction[row] * component.covariance[row * dimension + column] * direction[column]
                    }
                }
                return Component(weight: component.weight, mean: [mean], covariance: [variance])
            })
    }
}

import Foundation

/// Logarithms of standard normal probabilities that stay accurate far in the tails, for the truncated-normal
/// posteriors of interval data.
enum NormalTails {
    static let logSquareRootTwoPi = 0.5 * Foundation.log(2 * Double.pi)
    static let inverseSquareRootTwo = 1 / 2.0.squareRoot()
    static let logTwo = Foundation.log(2.0)
    /// e^(-46) < 1e-20: a ratio below it does not change a sum of order 1 in double precision.
    static let negligibleExponent = 46.0

    /// log phi(z), phi the standard normal density.
    @inline(__always)
    static func logDensity(_ z: Double) -> Double { -0.5 * z * z - logSquareRootTwoPi }

    /// log erfc(x) for x >= 0: erfc directly below `continuedFractionStart` = 26; above, erfc(x) =
    /// e^(-x^2) / sqrt(pi) / (x + K) with the continued fraction K = (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))),
    /// evaluated backward over 12 terms.
    /// Why 26: glibc's erfc is accurate to a few ulp relative all the way down its tail (the tests allow 5 ulp
    /// against 40-digit values), and erfc(26) = 5.7e-296 is still a normal double, while erfc(26.6) is subnormal; so
    /// below 26 the library function is both exact enough and cheaper (one rational approximation and an exp) than
    /// the continued fraction, which costs a division a term. Why 12 terms: the fraction's truncation error falls
    /// fast with x; measured against 40-digit values it reaches the rounding level with 20 terms at x = 5 and with
    /// 4 at x = 26.
    static func logComplementaryErrorFunction(_ x: Double) -> Double {
        precondition(x >= 0 || x.isNaN, "NormalTails: log erfc is used for x >= 0")
        if x < continuedFractionStart { return Foundation.log(Foundation.erfc(x)) }
        var tail = x
        for term in stride(from: 12, through: 1, by: -1) { tail = x + (Double(term) / 2) / tail }
        return -x * x - 0.5 * Foundation.log(Double.pi) - Foundation.log(tail)
    }

    /// Where `logComplementaryErrorFunction` switches from the library's erfc to the continued fraction.
    static let continuedFractionStart = 26.0

    /// log P(Z > z) = log(erfc(z / sqrt 2) / 2) for z >= 0.
    static func logUpperTail(_ z: Double) -> Double {
        logComplementaryErrorFunction(z * inverseSquareRootTwo) - logTwo
    }

    /// log P(alpha < Z < beta) and E[Z | alpha < Z < beta] for alpha < beta, without cancellation:
    /// - a narrow interval ((beta - alpha)(1 + min(|alpha|, |beta|)) < 1/2): 16-point Gauss–Legendre of phi and z phi
    ///   relative to phi at the end nearer 0 (the integrand varies by less than e^(1/2) + O(width^2));
    /// - both ends on one side of 0: the tail on that side, log P = log Q(a) + log(1 - Q(b)/Q(a)) with a, b the
    ///   ends' distances from 0 (Q the upper tail), and the mean from (phi(alpha) - phi(beta)) / P;
    /// - straddling 0: P = (erf(beta/sqrt 2) - erf(alpha/sqrt 2)) / 2, a sum of two positive terms.
    /// The mean is clamped to [alpha, beta].
    static func truncatedMoments(alpha: Double, beta: Double) -> (logProbability: Double, mean: Double) {
        let width = beta - alpha
        let nearest = alpha > 0 ? alpha : (beta < 0 ? beta : 0)
        if width * (1 + abs(nearest)) < 0.5 {
            let reference = logDensity(nearest)
            var mass = 0.0
            var moment = 0.0
            let centre = 0.5 * (alpha + beta)
            let half = 0.5 * width
            for index in 0..<gaussNodes.count {
                let weight = gaussWeights[index]
                let offset = half * gaussNodes[index]
                let left = centre - offset
                let right = centre + offset
                let leftValue = weight * Foundation.exp(logDensity(left) - reference)
                let rightValue = weight * Foundation.exp(logDensity(right) - reference)
                mass += leftValue + rightValue
                moment += leftValue * left + rightValue * right
            }
            return (reference + Foundation.log(mass * half), min(max(moment / mass, alpha), beta))
        }
        let logProbability: Double
        if alpha >= 0 || beta <= 0 {
            let near = alpha >= 0 ? alpha : -beta
            let far = alpha >= 0 ? beta : -alpha
            let logNear = logUpperTail(near)
            // Q(far)/Q(near) < e^(-near (far - near)) (Mills' ratio); below 1e-20 it leaves log P and the mean's
            // far term (relatively e^(-near (far - near))) unchanged in double precision, and is skipped.
            if near * (far - near) > negligibleExponent {
                logProbability = logNear
                let nearTerm = Foundation.exp(logDensity(near) - logProbability)
                return (logProbability, alpha >= 0 ? min(max(nearTerm, alpha), beta) : min(max(-nearTerm, alpha), beta))
            }
            logProbability = logNear + Foundation.log1p(-Foundation.exp(logUpperTail(far) - logNear))
        } else {
            logProbability = Foundation.log(
                0.5 * (Foundation.erf(beta * inverseSquareRootTwo) - Foundation.erf(alpha * inverseSquareRootTwo)))
        }
        let mean =
            Foundation.exp(logDensity(alpha) - logProbability) - Foundation.exp(logDensity(beta) - logProbability)
        return (logProbability, min(max(mean, alpha), beta))
    }

    /// The positive half of the 16-point Gauss–Legendre rule on [-1, 1].
    static let gaussNodes: [Double] = [
        0.0950125098376374, 0.2816035507792589, 0.4580167776572274, 0.6178762444026438,
        0.7554044083550030, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499,
    ]
    static let gaussWeights: [Double] = [
        0.1894506104550685, 0.1826034150449236, 0.1691565193950025, 0.1495959888165767,
        0.1246289712555339, 0.0951585116824928, 0.0622535239386479, 0.0271524594117541,
    ]
}

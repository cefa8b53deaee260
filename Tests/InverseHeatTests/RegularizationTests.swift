import Foundation
import GridFields
import InverseHeat
import Testing

/// THEORY §8's regularizations with their a priori rules: stable, converging as the noise falls, and (cutoff,
/// quasi-boundary value) under the Hölder bound 2 E^(1 - theta) delta^theta at t = T/2.
@Suite struct RegularizationTests {
    static let noiseLevels = [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10, 0]

    /// Errors may not grow as delta falls, up to 5% relative. The same noise shape is scaled down, so the noise part
    /// of the error shrinks with delta; what can tick up is the bias as the rules let more modes in (the cutoff set
    /// changes in steps, and at t = 0 the rates are only logarithmic: quasi-boundary value's error stays near
    /// ||u(0)||). Measured: no rise at all between neighbours, at t = 0 or at T/2, for either equation. A rule that
    /// failed to converge (errors growing by orders of magnitude) is caught.
    static let monotonicityAllowance = 0.05

    static func comparison(_ equation: BackwardEquation) throws -> [MethodErrorMeasurement] {
        try MethodComparison(
            problem: mixtureProblem(equation), noiseLevels: noiseLevels, methods: InversionMethod.regularized,
            regularizedStepCount: 2
        ).run()
    }

    static let ornsteinUhlenbeckRows = try! comparison(.ornsteinUhlenbeck)
    static let heatRows = try! comparison(.heat(diffusivity: 1))

    @Test(arguments: ["ou", "heat"])
    func regularizedErrorsAreFiniteAndDoNotGrowAsTheNoiseFalls(_ equation: String) throws {
        let rows = equation == "ou" ? Self.ornsteinUhlenbeckRows : Self.heatRows
        for method in InversionMethod.regularized {
            let ofMethod = rows.filter { $0.method == method }
            #expect(ofMethod.count == Self.noiseLevels.count)
            #expect(ofMethod.allSatisfy { $0.status == .completed })
            let finalErrors = try ofMethod.map { try #require($0.finalRelativeError) }
            let halfTimeErrors = try ofMethod.map { try #require($0.halfTimeCheck).error }
            #expect((finalErrors + halfTimeErrors).allSatisfy { $0.isFinite })
            for errors in [finalErrors, halfTimeErrors] {
                for (larger, smaller) in zip(errors, errors.dropFirst()) {
                    #expect(smaller <= larger * (1 + Self.monotonicityAllowance), "\(method.rawValue): \(errors)")
                }
            }
        }
    }

    /// Cutoff and quasi-boundary value reach THEORY's Hölder rate: at t = T/2 their error is below
    /// 2 E^(1 - theta) delta^theta (heat: theta = 1/2; OU: theta = (e - 1)/(e^2 - 1) for the heat solution behind the
    /// density, see `InverseHeatProblem.hoelderBound`), delta being the noise plus the data's round-off level.
    /// Measured margins (bound / error): 5.9 to 60.
    @Test(arguments: ["ou", "heat"])
    func cutoffAndQuasiBoundaryStayUnderTheHoelderBound(_ equation: String) throws {
        let rows = equation == "ou" ? Self.ornsteinUhlenbeckRows : Self.heatRows
        for row in rows where row.method == .cutoff || row.method == .quasiBoundaryValue {
            let check = try #require(row.halfTimeCheck)
            #expect(check.time == 0.5)
            #expect(check.error <= check.bound, "\(row.method.rawValue), delta = \(row.noiseLevel): \(check)")
        }
    }

    /// The bound itself: for the heat equation it is exactly 2 E^(1 - t/T) delta^(t/T).
    @Test func hoelderBoundOfTheHeatEquationIsTheorysFormula() throws {
        let problem = try mixtureProblem(.heat(diffusivity: 0.7), finalTime: 2)
        for time in [0.0, 0.5, 1, 1.5, 2] {
            let expected = 2 * pow(0.8, 1 - time / 2) * pow(1e-3, time / 2)
            #expect(
                abs(problem.hoelderBound(atTime: time, noiseLevel: 1e-3, bound: 0.8) - expected) <= 1e-14 * expected)
        }
    }

    /// The a priori rules are near the best parameter in hindsight: at t = T/2 the a priori error is within a factor
    /// 2 of the smallest error over the parameter sweep (cutoff: K from 1/4 to 4 times; Tikhonov and quasi-boundary
    /// value: alpha over eight decades). Measured: the a priori value is the best of the sweep in 10 of 12 cases,
    /// 1.5 and 1.8 times the best in the other two (heat, delta = 1e-2: Tikhonov, cutoff).
    @Test(arguments: [InversionMethod.cutoff, .tikhonov, .quasiBoundaryValue])
    func aPrioriParameterIsNearTheBestOfTheSweep(_ method: InversionMethod) throws {
        for equation in [BackwardEquation.ornsteinUhlenbeck, .heat(diffusivity: 1)] {
            for noise in [1e-2, 1e-6] {
                let sweep = try ParameterSweep(
                    problem: mixtureProblem(equation, noise: noise), method: method, time: 0.5
                ).run()
                let aPriori = try #require(sweep.points.first { $0.factor == 1 })
                let best = sweep.points.map(\.relativeError).filter { $0.isFinite }.min()!
                #expect(aPriori.relativeError <= 2 * best, "\(equation.name), delta = \(noise): \(sweep.points)")
            }
        }
    }

    /// Multipliers at lambda = 0 are 1 (the mean is kept), and all are finite where the naive one overflows.
    @Test func multipliersAreBoundedWhereTheNaiveOneOverflows() {
        let rules = InversionMethod.regularized.map {
            Regularization.aPriori($0, noiseLevel: 1e-8, bound: 1, totalSpectralTime: 1)
        }
        for rule in rules {
            #expect(abs(rule.multiplier(squaredWavenumber: 0, totalSpectralTime: 1, targetSpectralTime: 0) - 1) < 1e-7)
            for lambda in [10.0, 100, 1e4, 1e8] {
                let value = rule.multiplier(squaredWavenumber: lambda, totalSpectralTime: 1, targetSpectralTime: 0)
                #expect(
                    value.isFinite && value >= 0 && value <= 1e8 * 1.0001,
                    "\(rule.method.rawValue) at \(lambda): \(value)")
            }
        }
        #expect(
            !Regularization.naive.multiplier(squaredWavenumber: 1e4, totalSpectralTime: 1, targetSpectralTime: 0)
                .isFinite)
    }
}

import Testing

@testable import Verification

@Suite struct VerdictTests {
    let normal = VerificationSettings()
    let broken = VerificationSettings(toleranceScale: 1e-6)

    @Test func boundsAndTargets() {
        #expect(Check.atMost("x", 1e-11, 1e-10, settings: normal).passed)
        #expect(!Check.atMost("x", 2e-10, 1e-10, settings: normal).passed)
        #expect(!Check.atMost("x", 1e-11, 1e-10, settings: broken).passed)
        #expect(Check.near("order", 3.9, 4, within: 0.25, settings: normal).passed)
        #expect(!Check.near("order", 3.6, 4, within: 0.25, settings: normal).passed)
        #expect(!Check.near("order", 3.9, 4, within: 0.25, settings: broken).passed)
        #expect(Check.atLeast("fraction", 0.9995, 0.999, settings: normal).passed)
        #expect(!Check.atLeast("fraction", 0.998, 0.999, settings: normal).passed)
        #expect(!Check.atLeast("fraction", 0.9995, 0.999, settings: broken).passed)
        #expect(Check.atLeast("standard errors", 12, 10, settings: normal).passed)
        #expect(!Check.atLeast("standard errors", 9, 10, settings: normal).passed)
        #expect(
            !Check.atLeast("standard errors", 1e4, 10, settings: broken).passed,
            "a count of SEs is divided by the scale")
        #expect(!Check.atMost("x", .nan, 1, settings: normal).passed, "NaN never passes")
    }

    @Test func anOutcomeWithoutChecksOrWithAnErrorFails() {
        let thrower = Claim(name: "throws", statement: "s") { _ in throw VerificationTestError() }
        let outcome = thrower.run(normal)
        #expect(!outcome.passed && outcome.failure != nil)
        #expect(!Claim(name: "empty", statement: "s") { _ in [] }.run(normal).passed)
    }

    @Test func claimNamesAreUnique() {
        let names = VerificationSuite.claims.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(
            VerificationSuite.claim(named: "entropy-decay") != nil && VerificationSuite.claim(named: "nonsense") == nil)
    }
}

struct VerificationTestError: Error {}

/// Every claim of the registry passes in quick mode (its broken tolerances and planted defects are
/// `NegativeControlTests`): a claim added to `VerificationSuite.claims` is run here without an edit.
@Suite(.serialized) struct SuiteTests {
    @Test(arguments: VerificationSuite.claims.map(\.name))
    func quickClaimPasses(name: String) throws {
        let claim = try #require(VerificationSuite.claim(named: name))
        let outcome = claim.run(VerificationSettings(quick: true, threads: 2))
        #expect(outcome.passed, "\(claim.name): \(outcome.checks.filter { !$0.passed }) \(outcome.failure ?? "")")
    }
}

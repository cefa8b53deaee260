import Testing

@testable import Verification

/// One claim under one planted defect.
struct ControlCase: Sendable, CustomTestStringConvertible {
    let claim: String
    let control: Int
    var testDescription: String {
        "\(claim): \(VerificationSuite.claim(named: claim)!.controls[control].name)"
    }

    static let all: [ControlCase] = VerificationSuite.claims.flatMap { claim in
        claim.controls.indices.map { ControlCase(claim: claim.name, control: $0) }
    }
}

/// Every claim fails under each defect it lists (a broken component planted through `ClaimSubjects`), and when its
/// tolerances are broken; the claims' statements of their bounds are there to be read.
@Suite(.serialized) struct NegativeControlTests {
    @Test func everyClaimListsItsBoundsAndAtLeastOneDefect() {
        for claim in VerificationSuite.claims {
            #expect(!claim.controls.isEmpty, "\(claim.name) lists no planted defect")
            #expect(!claim.bounds.isEmpty, "\(claim.name) states no derivation of its bounds")
        }
    }

    @Test(arguments: ControlCase.all)
    func plantedDefectFailsTheClaim(_ testCase: ControlCase) throws {
        let claim = try #require(VerificationSuite.claim(named: testCase.claim))
        let defect = claim.controls[testCase.control]
        let outcome = claim.run(defect.planted(in: VerificationSettings(quick: true, threads: 2)))
        #expect(!outcome.passed, "\(claim.name) passed with \(defect.name) planted: \(outcome.checks)")
    }

    @Test(arguments: VerificationSuite.claims.map(\.name))
    func brokenTolerancesFail(name: String) throws {
        let claim = try #require(VerificationSuite.claim(named: name))
        #expect(!claim.run(VerificationSettings(quick: true, threads: 2, toleranceScale: 1e-9)).passed)
    }
}

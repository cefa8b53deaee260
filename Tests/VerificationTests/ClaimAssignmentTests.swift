import Foundation
import MessagePassing
import Testing

@testable import Verification

/// How `mpirun -n R fplab verify` splits the claims, and the outcomes' trip from a rank to rank 0.
@Suite struct ClaimAssignmentTests {
    /// Every claim on exactly one rank for R = 1 … 8, and the largest load within the LPT bound: at most
    /// (4/3 − 1/(3R)) of the best split, which is itself at least max(total / R, the largest claim); the bound is
    /// checked against that lower bound.
    @Test func everyClaimRunsOnceAndTheLoadsAreBalanced() {
        let claims = VerificationSuite.claims
        let costs = claims.map(ClaimAssignment.cost)
        for ranks in 1...8 {
            let split = ClaimAssignment.split(claims, ranks: ranks)
            #expect(split.count == ranks)
            #expect(split.flatMap { $0 }.sorted() == Array(claims.indices), "\(ranks) ranks")
            let largest = split.map { $0.reduce(0) { $0 + costs[$1] } }.max()!
            let lowerBound = max(costs.reduce(0, +) / Double(ranks), costs.max()!)
            #expect(largest <= (4.0 / 3 - 1 / (3 * Double(ranks))) * lowerBound + 1e-12, "\(ranks) ranks")
        }
    }

    /// Each claim of the suite has its measured cost (a new claim without one would count as one second and skew
    /// the split), and no cost names a claim that is gone.
    @Test func everyClaimHasAMeasuredCost() {
        let names = Set(VerificationSuite.claims.map(\.name))
        #expect(Set(ClaimAssignment.measuredSeconds.keys) == names)
    }

    /// An outcome through the wire format comes back equal, a NaN measurement and a failure included, bit for bit.
    @Test func outcomesSurviveTheWire() throws {
        let outcome = ClaimOutcome(
            name: "example", statement: "a statement with ½ and ≤",
            checks: [
                Check(quantity: "first", measured: 0.1 + 0.2, expectation: "≤ 1", passed: true),
                Check(quantity: "second", measured: .nan, expectation: "finite", passed: false),
                Check(quantity: "third", measured: -.infinity, expectation: "", passed: false),
            ], seconds: 1.25, failure: "an error")
        var writer = WireWriter()
        outcome.write(to: &writer)
        var reader = WireReader(writer.bytes)
        let decoded = try ClaimOutcome(from: &reader)
        #expect(reader.isAtEnd)
        #expect(decoded.name == outcome.name && decoded.statement == outcome.statement)
        #expect(decoded.failure == outcome.failure && decoded.seconds == outcome.seconds)
        #expect(decoded.checks.map(\.measured.bitPattern) == outcome.checks.map(\.measured.bitPattern))
        #expect(decoded.checks.map(\.quantity) == outcome.checks.map(\.quantity))
        #expect(decoded.checks.map(\.passed) == outcome.checks.map(\.passed))
        var truncated = WireReader(Array(writer.bytes.dropLast(3)))
        #expect(throws: WireFormatError.self) { _ = try ClaimOutcome(from: &truncated) }
    }
}

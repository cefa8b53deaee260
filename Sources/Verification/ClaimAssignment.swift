import MessagePassing

/// How `mpirun -n R fplab verify` spreads the claims over the ranks: longest first, each to the rank with the least
/// work so far (`RankShares.longestFirst`), from each claim's seconds in the full run on two cores
/// (notebooks-data/manifest.json; claims not listed count as one second). Only the split depends on these numbers:
/// a claim's results do not depend on the rank that runs it.
public enum ClaimAssignment {
    /// Seconds of each claim in the full default run (2 cores), from notebooks-data/manifest.json.
    static let measuredSeconds: [String: Double] = [
        "time-embedding": 9.93, "sampler-orders": 5.92, "endpoint-frequencies": 3.99, "reverse-sde-mixture": 2.60,
        "network-generalizes": 2.40, "memorization": 2.12, "pc-corrector": 1.74, "collapse-time": 1.39,
        "forward-spatial-order": 1.16, "likelihood-pf-ode": 0.86, "support-containment": 0.80,
        "grid-particle-crosscheck": 0.69, "reverse-contrast": 0.69, "linear-sde-schedules": 0.61,
        "digits-collapse": 0.30, "speciation-crossover": 0.26, "score-error-novelty": 0.20,
        "forward-exact-linear": 0.15, "forward-spectral-exact": 0.12, "reverse-pde-recovery": 0.12,
        "voronoi-limit": 0.12, "naive-inversion-blowup": 0.07, "euler-maruyama-weak-order": 0.05,
        "sample-memorization": 0.04, "vp-time-change": 0.03, "forward-temporal-orders": 0.03, "dirac-bridge": 0.03,
        "log-convexity": 0.01, "entropy-decay": 0.01, "finite-volume-structure": 0.01,
        "regularized-inversion-hoelder": 0.01, "sampler-exact-ou": 0.005, "ve-exact": 0.005,
    ]

    /// For each rank, the indices (into `claims`) it runs, in the order of `claims` (`RankShares.longestFirst`).
    public static func split(_ claims: [Claim], ranks: Int) -> [[Int]] {
        RankShares.longestFirst(costs: claims.map(cost), ranks: ranks)
    }

    static func cost(_ claim: Claim) -> Double { measuredSeconds[claim.name] ?? 1 }
}

extension ClaimOutcome {
    /// The outcome without its record, for sending to rank 0 (`WireWriter`): name, statement, seconds, failure and
    /// every check (quantity, measured value's bits, expectation, verdict).
    public func write(to writer: inout WireWriter) {
        writer.append(name)
        writer.append(statement)
        writer.append(seconds)
        writer.append(failure)
        writer.append(checks.count)
        for check in checks {
            writer.append(check.quantity)
            writer.append(check.measured)
            writer.append(check.expectation)
            writer.append(check.passed)
        }
    }

    /// An outcome as `write(to:)` sent it (with an empty record).
    public init(from reader: inout WireReader) throws {
        let name = try reader.string()
        let statement = try reader.string()
        let seconds = try reader.double()
        let failure = try reader.optionalString()
        let count = try reader.integer()
        guard count >= 0 else { throw WireFormatError() }
        var checks: [Check] = []
        for _ in 0..<count {
            let quantity = try reader.string()
            let measured = try reader.double()
            let expectation = try reader.string()
            checks.append(
                Check(quantity: quantity, measured: measured, expectation: expectation, passed: try reader.bool()))
        }
        self.init(name: name, statement: statement, checks: checks, seconds: seconds, failure: failure)
    }
}

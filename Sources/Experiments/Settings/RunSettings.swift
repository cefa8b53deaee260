import DataFiles

/// The seed of every random draw and the threads that share the work: a run's numbers depend on the seed alone,
/// never on the thread count.
public struct RunSettings: Sendable, Equatable {
    public var seed: UInt64
    public var threads: Int

    public init(seed: UInt64 = 1, threads: Int = 1) {
        self.seed = seed
        self.threads = threads
    }

    /// Manifest entries: "seed" and "threads".
    public var manifestEntries: [String: JSONValue] {
        ["seed": .unsignedInteger(seed), "threads": .integer(threads)]
    }
}

/// Seconds elapsed since `start`.
public func secondsElapsed(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start) / .seconds(1)
}

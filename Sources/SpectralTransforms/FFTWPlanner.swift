import CFFTW
import Foundation
import Safeguards
import Synchronization

/// How hard FFTW searches for a fast plan.
///
/// `estimate` plans at once from heuristics and leaves the arrays alone; `measure` and `patient` time candidate
/// algorithms on the plan's own buffers (overwriting them, so plans are made before data is written) and pay
/// for it once: about a second for a 1024² real pair with `measure`. Saved wisdom makes later planning free.
public enum PlanningRigor: String, Sendable, CaseIterable {
    case estimate
    case measure
    case patient

    var flags: UInt32 {
        switch self {
        case .estimate: return UInt32(FFTW_ESTIMATE)
        case .measure: return UInt32(FFTW_MEASURE)
        case .patient: return UInt32(FFTW_PATIENT)
        }
    }
}

/// Errors from planning or from wisdom files.
public enum TransformError: Error, CustomStringConvertible, Equatable {
    case invalidShape([Int])
    case planningFailed([Int])
    case wisdomUnreadable(String)
    case wisdomUnwritable(String)

    public var description: String {
        switch self {
        case .invalidShape(let shape):
            return "transform shape \(shape) is invalid: 1 to 3 axes, each of length 1 or more"
        case .planningFailed(let shape):
            return "FFTW could not plan a transform of shape \(shape)"
        case .wisdomUnreadable(let path):
            return "FFTW wisdom file '\(path)' could not be read"
        case .wisdomUnwritable(let path):
            return "FFTW wisdom file '\(path)' could not be written"
        }
    }
}

/// The one place where FFTW's planner is called.
///
/// Only `fftw_execute` (and its new-array variants) is thread-safe; planning, `fftw_plan_with_nthreads`,
/// destroying plans and wisdom import/export touch global planner state. Every such call goes through
/// `withPlannerLock`, so plans may be made from any thread (Swift Testing runs cases in parallel).
public enum FFTWPlanner {
    private static let state = Mutex<Bool>(false)

    /// Transforms of fewer points than this are planned with one thread whatever was asked: 2^17.
    ///
    /// FFTW's threads cost about 40 µs at every execute in the FFTW build here (Debian's 3.3.10), so they only pay
    /// for large transforms. Measured on this 2-core machine (r2c, FFTW_ESTIMATE, µs a transform, 1 thread against
    /// 2): 256 points 0.28 against 39; 4 096 points 4.9 against 50; 128² 34 against 108; 256² 153 against 178;
    /// 2^16 points in 1-D 193 against 169; 362² (131 044 points) 2 012 against 1 101; 512² 654 against 446;
    /// 1024² 4 237 against 2 045. Between 2^16 and 2^17 points the two are within 15 % either way.
    public static let threadedTransformMinimumPoints = 1 << 17

    /// The threads a plan of `points` points gets when `requested` were asked for: one below
    /// `threadedTransformMinimumPoints`, otherwise `requested` (at least one). A plan's results do not depend on
    /// its thread count, so this changes only the time.
    public static func threadCount(requested: Int, points: Int) -> Int {
        points < threadedTransformMinimumPoints ? 1 : max(requested, 1)
    }

    /// Runs `body` holding the planner lock, after making sure `fftw_init_threads` ran once.
    static func withPlannerLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        try state.withLock { initialized in
            if !initialized {
                precondition(fftw_init_threads() != 0, "fftw_init_threads failed")
                initialized = true
            }
            return try body()
        }
    }

    /// Destroys `plans` under the planner lock (a transform's deinit).
    static func destroy(_ plans: [fftw_plan]) {
        withPlannerLock {
            for plan in plans { fftw_destroy_plan(plan) }
        }
    }

    /// Loads FFTW wisdom (earlier planning results) from a file written by `exportWisdom(toFile:)`.
    public static func importWisdom(fromFile path: String) throws {
        let success = withPlannerLock { fftw_import_wisdom_from_filename(path) }
        if success == 0 { throw TransformError.wisdomUnreadable(path) }
    }

    /// Saves the wisdom accumulated so far, atomically (a temporary file renamed into place); an interruption
    /// during the write takes effect after it (`Interruption`).
    public static func exportWisdom(toFile path: String) throws {
        try Interruption.deferringInterruption { try writeWisdom(toFile: path) }
    }

    private static func writeWisdom(toFile path: String) throws {
        let temporary = path + ".partial-\(getpid())"
        let success = withPlannerLock { fftw_export_wisdom_to_filename(temporary) }
        guard success != 0 else {
            unlink(temporary)
            throw TransformError.wisdomUnwritable(path)
        }
        if rename(temporary, path) != 0 {
            unlink(temporary)
            throw TransformError.wisdomUnwritable(path)
        }
    }

    /// Forgets all wisdom (used by tests to start from a known state).
    public static func forgetWisdom() {
        withPlannerLock { fftw_forget_wisdom() }
    }
}

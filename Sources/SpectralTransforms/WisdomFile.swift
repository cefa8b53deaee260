import Foundation

/// A file that keeps FFTW wisdom (the planner's timing results) between runs, so `measure`-grade plans pay their
/// planning time once per transform shape and thread count on a machine.
///
/// FFTW uses wisdom for any plan of the same shape, kind and thread count whose rigor is at most the wisdom's, so
/// a run that loads it makes its `measure` plans at once. Wisdom only picks algorithms: a plan made from it
/// computes the same transform, to round-off, as one planned afresh (`measure` plans may differ from `estimate`
/// plans in the last bits, which is why the solvers' default stays `estimate`, where no wisdom is read).
public struct WisdomFile: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The per-user cache: `$XDG_CACHE_HOME/fplab/fftw-wisdom`, or `$HOME/.cache/fplab/fftw-wisdom` when
    /// XDG_CACHE_HOME is unset or not absolute (the XDG base-directory rule); nil without either.
    public static func userCache(environment: [String: String] = ProcessInfo.processInfo.environment) -> WisdomFile? {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return WisdomFile(path: cache + "/fplab/fftw-wisdom")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return WisdomFile(path: home + "/.cache/fplab/fftw-wisdom")
        }
        return nil
    }

    /// True when the file exists.
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Loads the file's wisdom into FFTW's planner when the file exists. Throws
    /// `TransformError.wisdomUnreadable` when it exists but FFTW does not accept it.
    public func load() throws {
        guard exists else { return }
        try FFTWPlanner.importWisdom(fromFile: path)
    }

    /// Writes all wisdom gathered so far (what was loaded plus the plans made since), creating the parent
    /// directory when missing; atomic (`FFTWPlanner.exportWisdom`). Throws `TransformError.wisdomUnwritable`.
    public func save() throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw TransformError.wisdomUnwritable(path)
            }
        }
        try FFTWPlanner.exportWisdom(toFile: path)
    }
}

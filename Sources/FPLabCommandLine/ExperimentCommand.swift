import ArgumentParser

/// A subcommand that runs one experiment: `experiment()` turns the options into the values to run (reading every
/// file, checking every size and cost; its errors name the option, as `validate()`'s do) and `run(_:)` runs that
/// value and delivers its report.
///
/// `run()` builds the experiment once and runs it, so `--data` is read and a checkpoint loaded once a run.
/// `validate()` keeps to checks that read nothing (each option group checks its own options). `fplab run FILE`
/// builds the experiment through `prepared()` before anything runs, so that an error can name the key behind it.
public protocol ExperimentCommand: ParsableCommand {
    associatedtype Experiment

    /// The run these options describe, every default resolved; throws a `ValidationError` naming the option for
    /// anything out of range or unreadable.
    func experiment() throws -> Experiment

    /// Runs `experiment` and delivers its report (`RunOptions.deliver`).
    func run(_ experiment: Experiment) throws
}

extension ExperimentCommand {
    public mutating func run() throws { try run(try experiment()) }

    /// The experiment built now, and its run to start later.
    public func prepared() throws -> PreparedRun {
        let experiment = try experiment()
        return PreparedRun { try run(experiment) }
    }
}

/// An experiment that has been built and not yet run (`ExperimentCommand.prepared()`).
public struct PreparedRun {
    let body: () throws -> Void

    public func callAsFunction() throws { try body() }
}

import ArgumentParser

/// A subcommand that splits its work over the ranks of `mpirun -n R fplab …` (built with `--traits MPI`): every
/// rank runs it, rank 0 prints and writes. Any other subcommand refuses to start on more than one rank.
public protocol DistributedCommand: ParsableCommand {}

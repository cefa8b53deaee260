import MessagePassing

/// The comparison's results as ranks send them to rank 0 (`mpirun -n R fplab verify --compare DIR`: each rank
/// compares the claims it ran).
extension VerificationComparison {
    public func write(to writer: inout WireWriter) {
        writer.append(comparedCount)
        writer.append(differences.count)
        for difference in differences {
            writer.append(difference.claim)
            writer.append(difference.file)
            writer.append(difference.row != nil)
            writer.append(difference.row ?? 0)
            writer.append(difference.column)
            writer.append(difference.old)
            writer.append(difference.new)
            writer.append(difference.tolerance)
        }
    }

    /// Adds another rank's differences and compared count, as its `write(to:)` sent them.
    public mutating func include(from reader: inout WireReader) throws {
        let compared = try reader.integer()
        let count = try reader.integer()
        guard compared >= 0, count >= 0 else { throw WireFormatError() }
        for _ in 0..<count {
            let claim = try reader.string()
            let file = try reader.string()
            let hasRow = try reader.bool()
            let row = try reader.integer()
            differences.append(
                Difference(
                    claim: claim, file: file, row: hasRow ? row : nil, column: try reader.string(),
                    old: try reader.string(), new: try reader.string(), tolerance: try reader.string()))
        }
        comparedCount += compared
    }
}

import DataFiles
import Figures
import Foundation
import GridFields

/// An array for numpy users, written as `NAME.npy`.
public struct DataArray: Sendable, Equatable {
    public var name: String
    /// One sentence for the README: what the array holds, its axes and units.
    public var description: String
    public var array: NumpyArray
    public var tolerance: Tolerance

    public init(
        _ name: String, description: String, values: [Double], shape: [Int], tolerance: Tolerance = .reproducible
    ) {
        self.name = name
        self.description = description
        self.array = NumpyArray(values: values, shape: shape)
        self.tolerance = tolerance
    }
}

/// A figure drawn from recorded tables, written as `NAME.svg`.
public struct DataFigure: Sendable {
    public var name: String
    /// One sentence under the figure in REPORT.md: what it shows and what to look for.
    public var caption: String
    public var figure: any Figure

    public init(_ name: String, caption: String, figure: any Figure) {
        self.name = name
        self.caption = caption
        self.figure = figure
    }
}

/// What a claim recorded besides its checks: its parameters, its observations as tables (one observation a
/// row), arrays for numpy and figures drawn from the tables. `fplab verify --output` writes them into the
/// claim's folder; `--compare` compares the tables and arrays with committed ones column by column.
public struct ClaimRecord: Sendable {
    /// The settings the claim ran with, in the order recorded (the manifest's "parameters").
    public var parameters: [(key: String, value: DataValue)] = []
    public var tables: [DataTable] = []
    public var arrays: [DataArray] = []
    public var figures: [DataFigure] = []
    /// One paragraph for REPORT.md: what was measured and how (the statement says what is claimed).
    public var summary: String = ""

    public init() {}

    /// Records a parameter (a grid size, a particle count, a list of step counts).
    public mutating func parameter(_ key: String, _ value: any DataValueConvertible) {
        parameters.append((key, value.dataValue))
    }

    /// Records a list parameter as comma-separated text.
    public mutating func parameter(_ key: String, list: [any DataValueConvertible]) {
        parameters.append((key, .text(list.map(\.dataValue.csvText).joined(separator: ", "))))
    }

    /// The table called `name`, or nil.
    public func table(named name: String) -> DataTable? { tables.first { $0.name == name } }
}

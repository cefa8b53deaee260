import ArgumentParser
import FokkerPlanckLab
import Foundation

/// Parses a comma-separated option value ("16,64,256", "heun,rk4") entry by entry: each entry, spaces trimmed,
/// goes through `entry`; an empty list, an empty entry, an entry `entry` refuses or (with `distinct`) a repeated one
/// is one error, "`option` must be a comma-separated list of `expected`; got '`text`'.", the sentence every list
/// option shares.
func parseList<Value>(
    _ text: String, option: String, expected: String, distinct: Bool = false, entry: (String) -> Value?
) throws -> [Value] {
    let entries = text.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
    }
    let values = entries.map(entry)
    guard !entries.isEmpty, values.allSatisfy({ $0 != nil }), !distinct || Set(entries).count == entries.count else {
        throw ValidationError("\(option) must be a comma-separated list of \(expected); got '\(text)'.")
    }
    return values.map { $0! }
}

/// Whole numbers in `range` ("16,64,256"), each a decimal literal (`StrictNumber`); with `distinct`, none twice.
func parseCountList(
    _ text: String, option: String, in range: ClosedRange<Int>, distinct: Bool = false
) throws -> [Int] {
    try parseList(
        text, option: option,
        expected: (distinct ? "distinct " : "") + "whole numbers from \(range.lowerBound) to \(range.upperBound)",
        distinct: distinct
    ) { entry in
        guard let value = StrictNumber.double(entry), value == value.rounded(),
            Double(range.lowerBound) <= value, value <= Double(range.upperBound)
        else { return nil }
        return Int(value)
    }
}

/// Finite numbers within `bound` in absolute value ("-1,-0.5,0,0.5,1").
func parseNumberList(_ text: String, option: String, bound: Double) throws -> [Double] {
    try parseList(
        text, option: option, expected: "finite numbers from -\(bound.shortText) to \(bound.shortText)"
    ) { entry in
        StrictNumber.double(entry).flatMap { $0.isFinite && abs($0) <= bound ? $0 : nil }
    }
}

/// Positive finite numbers ("0.5,0.1,0.01").
func parsePositiveList(_ text: String, option: String) throws -> [Double] {
    try parseList(text, option: option, expected: "positive finite numbers") { entry in
        StrictNumber.double(entry).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
    }
}

/// Distinct names, each the raw value of a case of `Value` ("heun,rk4").
func parseNameList<Value: RawRepresentable & CaseIterable>(_ text: String, option: String) throws -> [Value]
where Value.RawValue == String {
    try parseList(
        text, option: option,
        expected: "distinct names from \(Value.allCases.map(\.rawValue).joined(separator: ", "))", distinct: true,
        entry: Value.init(rawValue:))
}

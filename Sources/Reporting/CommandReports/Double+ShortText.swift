import DataFiles

extension Double {
    /// `%g` with up to 6 significant digits ("10", "0.01", "1e+06"): option values in messages and headers.
    public var shortText: String { NumberStyle.general(significantDigits: 6).format(self) }
}

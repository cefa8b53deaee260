import FokkerPlanckLab
import Foundation

extension FuzzEntryPoints {
    /// The point-file readers: the bytes as CSV, then as `.npy` (`PointSet(fileData:name:)`).
    public static func pointFile(_ data: Data) {
        _ = try? PointSet(fileData: data, name: "fuzz.csv")
        _ = try? PointSet(fileData: data, name: "fuzz.npy")
    }

    /// The `.npy` reader of `verify --compare` arrays (`NumpyArray(npyData:)`).
    public static func numpyArray(_ data: Data) {
        _ = try? NumpyArray(npyData: data)
    }

    /// The checkpoint reader (`NetworkCheckpoint.decode`), every check included.
    public static func checkpoint(_ data: Data) {
        _ = try? NetworkCheckpoint.decode(data, name: "fuzz.fpnet")
    }

    /// The `--mixture` parser, in one and in two dimensions; bytes that are not UTF-8 are repaired as Swift does.
    public static func mixtureSpecification(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        for dimension in 1...2 { _ = try? GaussianMixture(specification: text, dimension: dimension) }
    }
}

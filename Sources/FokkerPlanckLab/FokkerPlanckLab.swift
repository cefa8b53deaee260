@_exported import SpectralTransforms
@_exported import GridFields
@_exported import DiffusionModels
@_exported import DensitySolvers

/// The library version, written into every manifest.
public let fokkerPlanckLabVersion = "0.1.0"

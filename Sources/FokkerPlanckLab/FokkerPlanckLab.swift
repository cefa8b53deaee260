@_exported import CrossChecks
@_exported import DataFiles
@_exported import Datasets
@_exported import DensitySolvers
@_exported import DiffusionModels
@_exported import Figures
@_exported import GridFields
@_exported import InverseHeat
@_exported import Memorization
@_exported import ParticleSampling
@_exported import RandomStreams
@_exported import Reconstruction
@_exported import Safeguards
@_exported import SampleStatistics
@_exported import ScoreNetworks
@_exported import Scores
@_exported import SpectralTransforms
@_exported import Verification

/// The library version, written into every manifest.
public let fokkerPlanckLabVersion = "0.1.0"

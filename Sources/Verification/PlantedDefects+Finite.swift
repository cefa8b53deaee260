import DataFiles
import ScoreNetworks

/// Defects of the network claims: a trained network whose time input is lost, an untrained network sampled.
extension PlantedDefect {
    /// The time input of every trained network with `embedding` replaced by the constant 0 when it is evaluated:
    /// its first-layer weights on the time features zeroed, which is what a step lookup returning n = 0 (or a
    /// feature buffer never filled) does. The network then predicts the same ε̂ at every noise level.
    public static func timeInputConstant(_ embedding: TimeEmbedding) -> PlantedDefect {
        PlantedDefect(
            name: "\(embedding.rawValue) network's time input constant",
            description:
                "the \(embedding.rawValue)-embedding networks are evaluated with their time input fixed at 0 "
                + "(first-layer time weights zeroed)."
        ) { subjects in
            subjects.network = { network in
                guard network.architecture.embedding == embedding else { return network }
                var broken = network
                let (dimension, width) = (network.architecture.dimension, network.architecture.layerWidths[1])
                let start = network.architecture.offsets(layer: 0).weights
                // W_0 is row-major, in_0 × out_0: the rows d … d + F − 1 multiply the time features.
                for row in dimension..<network.inputWidth {
                    for column in 0..<width { broken.parameters[start + row * width + column] = 0 }
                }
                return broken
            }
        }
    }

    /// Every trained network replaced by a freshly initialized one of the same architecture (seed 0) before it is
    /// evaluated: the trained parameters never reach the sampler (a state not handed over, a checkpoint not loaded).
    public static var untrainedNetwork: PlantedDefect {
        PlantedDefect(
            name: "untrained network sampled",
            description: "the sampler receives a freshly initialized network instead of the trained one."
        ) { subjects in
            subjects.network = { ScoreNetwork(architecture: $0.architecture, schedule: $0.schedule, seed: 0) }
        }
    }
}

extension PlantedDefect {
    /// The last `fraction` of the training points withheld from a sample-memorization search (a file read only in
    /// part, a reference set truncated to a block): copies of the withheld points are no longer recognized.
    public static func withheldTrainingPoints(_ fraction: Double) -> PlantedDefect {
        PlantedDefect(
            name: "training set cut to \(Check.format(100 * (1 - fraction))) %",
            description:
                "the search sees only the first \(Check.format(100 * (1 - fraction))) % of the training points."
        ) { subjects in
            subjects.trainingSet = { training in
                let kept = max(2, Int((Double(training.count) * (1 - fraction)).rounded()))
                return PointSet(
                    points: Array(training.points.prefix(kept * training.dimension)), dimension: training.dimension)
            }
        }
    }
}

extension PlantedDefect {
    /// Every training point handed to a score (and to a sample-memorization search) multiplied by `factor`: data
    /// standardized with the wrong scale, or a class mean misstated. The claims' oracles keep the true points.
    public static func scaledTrainingSet(_ factor: Double) -> PlantedDefect {
        PlantedDefect(
            name: "training points scaled by \(Check.format(factor))",
            description: "the score receives the training points multiplied by \(Check.format(factor))."
        ) { subjects in
            subjects.trainingSet = { PointSet(points: $0.points.map { $0 * factor }, dimension: $0.dimension) }
        }
    }
}

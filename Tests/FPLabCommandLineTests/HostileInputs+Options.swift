import Foundation
import Testing

/// Bad option values and option combinations of every subcommand: each must be refused while the options are
/// checked, before any work, with exit status 64 and one sentence naming the option and its allowed range.
extension HostileInput {
    /// A case of class `.option`: one value outside an option's range.
    private static func option(_ name: String, _ arguments: [String], _ mentions: String...) -> HostileInput {
        HostileInput(.option, name, arguments, mentions: mentions)
    }

    /// A case of class `.size`: a size or a combination of sizes whose memory or work exceeds the bounds.
    private static func size(
        _ name: String, _ arguments: [String], files: [String: Data] = [:],
        _ mentions: String...
    ) -> HostileInput {
        HostileInput(.size, name, arguments, files: files, mentions: mentions)
    }

    /// A CSV of `rows` points with `columns` coordinates each (every value 0.5).
    private static func wideCSV(rows: Int, columns: Int) -> Data {
        let row = Array(repeating: "0.5", count: columns).joined(separator: ",")
        return Data((Array(repeating: row, count: rows).joined(separator: "\n") + "\n").utf8)
    }

    static let optionCases: [HostileInput] =
        forwardCases + sampleCases + invertCases + reverseCases + supportCases
        + crosscheckCases + memorizeCases + generateCases + trainCases + verifyCases + sharedCases + regimesCases
        + scheduleCases
        + ordersCases + likelihoodCases + empiricalCases

    static let empiricalCases: [HostileInput] = [
        option(
            "empirical --training-points one", ["empirical", "--training-points", "1"], "--training-points", "2 to"),
        option("empirical --dimension zero", ["empirical", "--dimension", "0"], "--dimension", "1 to 100000"),
        option("empirical --trajectories zero", ["empirical", "--trajectories", "0"], "--trajectories", "1 to"),
        option("empirical --steps zero", ["empirical", "--steps", "0"], "--steps", "1 to 100000"),
        option("empirical --variance zero", ["empirical", "--variance", "0"], "--variance", "greater than 0"),
        option("empirical --variance nan", ["empirical", "--variance", "nan"], "--variance"),
        option("empirical --horizon above 20", ["empirical", "--horizon", "25"], "--horizon", "at most 20"),
        option(
            "empirical --final-time at the horizon", ["empirical", "--horizon", "1", "--final-time", "1"],
            "--final-time", "below --horizon"),
        option("empirical --final-time negative", ["empirical", "--final-time", "-1e-3"], "--final-time"),
        size(
            "empirical 10^8 points in 10^5-D",
            ["empirical", "--training-points", "100000000", "--dimension", "100000"],
            "fplab empirical"),
        size(
            "empirical work beyond the limit",
            ["empirical", "--training-points", "1000000", "--trajectories", "100000", "--steps", "1000"],
            "4 n d M (K + 1)"),
    ]

    static let likelihoodCases: [HostileInput] = [
        option("likelihood --dimension zero", ["likelihood", "--dimension", "0"], "--dimension", "1 to 8"),
        option("likelihood --dimension 4 without a mixture", ["likelihood", "--dimension", "4"], "--mixture"),
        option(
            "likelihood a 1-D mixture in 2-D", ["likelihood", "--mixture", "1:0:1"], "--mixture"),
        option("likelihood --points one", ["likelihood", "--points", "1"], "--points", "2 to 1000000"),
        option("likelihood --time zero", ["likelihood", "--time", "0"], "--time", "greater than 0"),
        option("likelihood --time inf", ["likelihood", "--time", "inf"], "--time"),
        option("likelihood --steps zero", ["likelihood", "--steps", "0,8"], "--steps", "1 to 100000"),
        option("likelihood --steps repeated", ["likelihood", "--steps", "8,8"], "--steps", "distinct"),
        option("likelihood --tolerances zero", ["likelihood", "--tolerances", "0"], "--tolerances"),
        option("likelihood --tolerances above 0.1", ["likelihood", "--tolerances", "0.5"], "--tolerances", "1e-12"),
        option("likelihood --probes zero", ["likelihood", "--probes", "0"], "--probes", "1 to 1000"),
        option("likelihood --probes repeated", ["likelihood", "--probes", "4,4"], "--probes", "distinct"),
        option(
            "likelihood unknown probe distribution", ["likelihood", "--probe-distributions", "uniform"],
            "--probe-distributions", "rademacher, gaussian"),
        option("likelihood --bits zero", ["likelihood", "--bits", "0"], "--bits", "1 to 16"),
        option(
            "likelihood --dequantization-draws one", ["likelihood", "--bits", "3", "--dequantization-draws", "1"],
            "--dequantization-draws", "2 to 100000"),
        option(
            "likelihood standard-normal prior under VE", ["likelihood", "--model", "ve", "--prior", "standard-normal"],
            "--prior", "ve"),
        option("likelihood unknown prior", ["likelihood", "--prior", "uniform"], "--prior"),
        option("likelihood unknown schedule", ["likelihood", "--schedule", "cosine"], "--schedule"),
        size(
            "likelihood points × steps beyond the work cap",
            ["likelihood", "--points", "1000000", "--steps", "100000,99999"], "likelihood", "operations"),
    ]

    static let ordersCases: [HostileInput] = [
        option("orders unknown sampler", ["orders", "--samplers", "heun,rk5"], "--samplers", "rk4"),
        option("orders repeated sampler", ["orders", "--samplers", "heun,heun"], "--samplers", "distinct"),
        option("orders unknown schedule", ["orders", "--schedules", "cosine"], "--schedules", "log-snr"),
        option("orders empty schedule list", ["orders", "--schedules", ""], "--schedules"),
        option("orders --steps zero", ["orders", "--steps", "0,8"], "--steps", "1 to 100000"),
        option("orders --steps fraction", ["orders", "--steps", "8.5"], "--steps"),
        option("orders --time nan", ["orders", "--time", "nan"], "--time"),
        option("orders --t-min above --time", ["orders", "--time", "1", "--t-min", "2"], "--t-min"),
        option("orders --t-min zero", ["orders", "--t-min", "0"], "--t-min", "1e-6"),
        option("orders --particles not a multiple of --batches", ["orders", "--particles", "1001"], "--particles"),
        option("orders --batches one", ["orders", "--batches", "1"], "--batches"),
        option("orders --quantiles one", ["orders", "--quantiles", "1"], "--quantiles"),
        option("orders --snr negative", ["orders", "--snr", "-0.1"], "--snr"),
        option("orders --corrector-steps zero", ["orders", "--corrector-steps", "0"], "--corrector-steps"),
        option("orders a 2-D mixture", ["orders", "--mixture", "1:0,0:1"], "--mixture"),
        option("orders --dimension 3", ["orders", "--dimension", "3"], "--dimension", "1 to 2"),
        option("orders --slices one", ["orders", "--dimension", "2", "--slices", "1"], "--slices", "2 to 256"),
        option("orders a 1-D mixture in 2-D", ["orders", "--dimension", "2", "--mixture", "1:0:1"], "--mixture"),
        size(
            "orders particles × steps beyond the work cap",
            ["orders", "--particles", "100000000", "--steps", "100000,99999"], "orders", "operations"),
    ]

    static let regimesCases: [HostileInput] = [
        option(
            "regimes speciation --dimensions zero", ["regimes", "speciation", "--dimensions", "0,16"], "--dimensions",
            "1 to 100000"),
        option(
            "regimes speciation --dimensions fraction", ["regimes", "speciation", "--dimensions", "16.5"],
            "--dimensions"),
        option("regimes speciation --offsets nan", ["regimes", "speciation", "--offsets", "nan"], "--offsets"),
        option(
            "regimes speciation branch time below 0", ["regimes", "speciation", "--offsets", "-5"], "--offsets",
            "positive"),
        option("regimes speciation --pairs zero", ["regimes", "speciation", "--pairs", "0"], "--pairs"),
        option(
            "regimes speciation --step-width inf", ["regimes", "speciation", "--step-width", "inf"], "--step-width"),
        option("regimes speciation --class-sd zero", ["regimes", "speciation", "--class-sd", "0"], "--class-sd"),
        size(
            "regimes speciation pairs × d beyond the work cap",
            ["regimes", "speciation", "--pairs", "10000000", "--dimensions", "100000"], "regimes speciation",
            "operations"),
        option(
            "regimes collapse --alpha and --training-points",
            ["regimes", "collapse", "--alpha", "0.1", "--training-points", "100"], "--alpha", "not both"),
        option(
            "regimes collapse --alpha too large", ["regimes", "collapse", "--alpha", "1", "--dimensions", "64"],
            "--alpha", "1000000"),
        option(
            "regimes collapse digits --training-points above 1797",
            ["regimes", "collapse", "--dataset", "digits", "--training-points", "1798"], "--training-points", "1797"),
        option(
            "regimes collapse digits --dimensions",
            ["regimes", "collapse", "--dataset", "digits", "--dimensions", "8"],
            "--dimensions"),
        option(
            "regimes collapse digits --alpha beyond the set",
            ["regimes", "collapse", "--dataset", "digits", "--alpha", "0.2"], "--alpha", "1797"),
        option("regimes collapse --dataset unknown", ["regimes", "collapse", "--dataset", "cifar"], "--dataset"),
        option("regimes collapse --steps one", ["regimes", "collapse", "--steps", "1"], "--steps", "2 to 100000"),
        option("regimes collapse --horizon zero", ["regimes", "collapse", "--horizon", "0"], "--horizon"),
        option("regimes collapse --variance nan", ["regimes", "collapse", "--variance", "nan"], "--variance"),
        option("regimes collapse --data missing file", ["regimes", "collapse", "--data", "{dir}/none.csv"], "--data"),
        size(
            "regimes collapse trajectories × steps beyond the work cap",
            ["regimes", "collapse", "--trajectories", "1000000", "--steps", "100000"], "regimes collapse",
            "operations"),
    ]

    static let forwardCases: [HostileInput] = [
        option("forward --points negative", ["forward", "--points", "-4"], "--points", "at least 2"),
        option("forward --points Int.max + 1", ["forward", "--points", "9223372036854775808"], "--points"),
        option("forward --half-width subnormal", ["forward", "--half-width", "1e-320"], "--half-width", "1e-06"),
        option("forward --half-width 1e308", ["forward", "--half-width", "1e308"], "--half-width", "1e+06"),
        option("forward --half-width negative zero", ["forward", "--half-width", "-0"], "--half-width"),
        option("forward --time negative", ["forward", "--time", "-1"], "--time", "from 0 to 1000"),
        option("forward --time 1e308", ["forward", "--time", "1e308"], "--time", "1000"),
        option("forward --time nan", ["forward", "--time", "nan"], "--time", "finite"),
        option(
            "forward --snapshots Int.max", ["forward", "--snapshots", "9223372036854775807"], "--snapshots", "1000"),
        option("forward --snapshots negative", ["forward", "--snapshots", "-1"], "--snapshots"),
        option("forward --steps zero", ["forward", "--steps", "0"], "--steps", "from 1"),
        option("forward --steps Int.min", ["forward", "--steps", "-9223372036854775808"], "--steps"),
        option("forward --dimension zero", ["forward", "--dimension", "0"], "--dimension", "1, 2 or 3"),
        option("forward --dimension negative", ["forward", "--dimension", "-1"], "--dimension", "1, 2 or 3"),
        option("reverse --dimension 3", ["reverse", "--dimension", "3"], "--dimension 3", "1-D and 2-D"),
        option("invert --dimension 3", ["invert", "--dimension", "3"], "--dimension 3", "1-D and 2-D"),
        option("sample --dimension 3", ["sample", "--dimension", "3"], "--dimension 3", "1-D and 2-D"),
        size(
            "forward 3-D points beyond the memory", ["forward", "--dimension", "3", "--points", "100000"], "--points",
            "memory"),
        option("forward --beta-max inf", ["forward", "--model", "vp", "--beta-max", "inf"], "--beta-max", "finite"),
        option("forward --beta-min negative", ["forward", "--model", "vp", "--beta-min", "-0.1"], "--beta-min"),
        option("forward --sigma-min zero", ["forward", "--model", "ve", "--sigma-min", "0"], "--sigma-min"),
        option(
            "forward --sigma-max 1e308", ["forward", "--model", "ve", "--sigma-max", "1e308"], "--sigma-max",
            "1e+06"),
        option("forward --mixture negative weight", ["forward", "--mixture", "-1:0:1"], "--mixture"),
        option(
            "forward ve variance overflows", ["forward", "--model", "ve", "--sigma-max", "1e6", "--time", "1000"],
            "--time", "--sigma-max"),
        // Refused for its memory where less than about 38 GB is available, otherwise for its work (the message
        // then advises lowering --points); never run.
        size(
            "forward 2-D grid beyond available memory", ["forward", "--dimension", "2", "--points", "14000"],
            "--points"),
        size("forward 1-D grid of 2^40 cells", ["forward", "--points", "1099511627776"], "--points", "available"),
        size("forward a billion steps", ["forward", "--steps", "1000000000"], "--steps", "operations"),
        size(
            "forward steps × cells beyond the work cap", ["forward", "--points", "100000", "--steps", "10000000"],
            "--steps", "operations"),
        size(
            "forward suggested steps beyond the limit", ["forward", "--time", "1000", "--points", "10000000"],
            "--steps"),
    ]

    static let sampleCases: [HostileInput] = [
        option(
            "sample --training-points negative", ["sample", "--score", "empirical", "--training-points", "-5"],
            "--training-points", "from 1"),
        option(
            "sample --training-points Int.max",
            [
                "sample", "--score", "empirical", "--training-points",
                "9223372036854775807",
            ], "--training-points", "10000000"),
        option(
            "sample --training-points 2^62",
            [
                "sample", "--score", "empirical", "--training-points",
                "4611686018427387904",
            ], "--training-points"),
        option(
            "sample --bandwidth negative", ["sample", "--score", "empirical", "--bandwidth", "-1"], "--bandwidth",
            "from 0"),
        option(
            "sample --bandwidth 1e308", ["sample", "--score", "empirical", "--bandwidth", "1e308"], "--bandwidth",
            "1e+06"),
        option("sample --bandwidth nan", ["sample", "--bandwidth", "nan"], "--bandwidth", "finite"),
        option("sample --particles zero", ["sample", "--particles", "0"], "--particles", "from 1"),
        option("sample --particles 10^9", ["sample", "--particles", "1000000000"], "--particles", "100000000"),
        option("sample --steps negative", ["sample", "--steps", "-3"], "--steps", "from 1"),
        option("sample --time zero", ["sample", "--time", "0"], "--time", "greater than 0"),
        option("sample --time inf", ["sample", "--time", "inf"], "--time", "finite"),
        option("sample --t-min above --time", ["sample", "--time", "1", "--t-min", "2"], "--t-min", "below --time"),
        option("sample --t-min subnormal negative", ["sample", "--t-min", "-5e-324"], "--t-min"),
        option(
            "sample ve variance overflows", ["sample", "--model", "ve", "--sigma-max", "1e6", "--time", "1000"],
            "--time", "variance"),
        option(
            "sample --probability-flow forward", ["sample", "--direction", "forward", "--probability-flow"],
            "--probability-flow"),
        size(
            "sample particles × steps beyond the work cap",
            ["sample", "--particles", "100000000", "--steps", "10000000"],
            "--particles", "operations"),
        size(
            "sample empirical score of 10^7 points",
            ["sample", "--score", "empirical", "--training-points", "10000000", "--particles", "100000"],
            "--training-points", "operations"),
        size(
            "sample 20000-column --data", ["sample", "--direction", "forward", "--data", "{dir}/wide.csv"],
            files: ["wide.csv": wideCSV(rows: 2, columns: 20_000)], "--data", "10000"),
        size(
            "sample 5000-column --data, 10^8 particles",
            ["sample", "--direction", "forward", "--data", "{dir}/wide.csv", "--particles", "100000000"],
            files: ["wide.csv": wideCSV(rows: 2, columns: 5000)], "--particles", "available"),
    ]

    static let invertCases: [HostileInput] = [
        option("invert --noise 1e308", ["invert", "--noise", "1e308"], "--noise", "1e+06"),
        option("invert --noise negative", ["invert", "--noise", "-1"], "--noise", "from 0"),
        option("invert --time 1e308", ["invert", "--time", "1e308"], "--time", "100"),
        option("invert --time zero", ["invert", "--time", "0"], "--time", "greater than 0"),
        option("invert --threshold nan", ["invert", "--threshold", "nan"], "--threshold", "finite"),
        option("invert --threshold negative", ["invert", "--threshold", "-1"], "--threshold", "greater than 0"),
        option("invert --steps Int.max", ["invert", "--steps", "9223372036854775807"], "--steps", "10000000"),
        option("invert --parameter with naive", ["invert", "--parameter", "1"], "--parameter"),
        option("invert --parameter negative", ["invert", "--method", "tikhonov", "--parameter", "-1"], "--parameter"),
        option("invert --diffusivity inf", ["invert", "--equation", "heat", "--diffusivity", "inf"], "--diffusivity"),
        option(
            "invert --diffusivity subnormal", ["invert", "--equation", "heat", "--diffusivity", "-4e-320"],
            "--diffusivity"),
        size(
            "invert steps × cells beyond the work cap", ["invert", "--points", "1000000", "--steps", "10000000"],
            "--steps", "operations"),
    ]

    static let reverseCases: [HostileInput] = [
        option("reverse --noise 1e308", ["reverse", "--noise", "1e308"], "--noise", "1e+06"),
        option("reverse --noise negative", ["reverse", "--noise", "-0.5"], "--noise", "from 0"),
        option("reverse --noise nan", ["reverse", "--noise", "nan"], "--noise", "finite"),
        option("reverse --time above 1000", ["reverse", "--time", "1001"], "--time", "1000"),
        option("reverse --t-min zero", ["reverse", "--t-min", "0"], "--t-min", "greater than 0"),
        option("reverse --particles negative", ["reverse", "--particles", "-1"], "--particles", "from 1"),
        option("reverse --steps zero", ["reverse", "--steps", "0"], "--steps", "from 1"),
        option("reverse --pde-steps Int.max", ["reverse", "--pde-steps", "9223372036854775807"], "--pde-steps"),
        option("reverse --methods unknown", ["reverse", "--methods", "naive,magic"], "--methods", "magic"),
        option("reverse --methods repeated", ["reverse", "--methods", "sde,sde"], "--methods"),
        option(
            "reverse ve variance overflows", ["reverse", "--model", "ve", "--sigma-max", "1e6", "--time", "1000"],
            "--time", "variance"),
        size(
            "reverse particles × steps beyond the work cap",
            ["reverse", "--particles", "100000000", "--steps", "1000000"],
            "--particles", "operations"),
    ]

    static let supportCases: [HostileInput] = [
        option("support --model ve", ["support", "--model", "ve"], "--model ve"),
        option("support --time 1e308", ["support", "--time", "1e308"], "--time", "100"),
        option("support --t-min nan", ["support", "--t-min", "nan"], "--t-min"),
        option("support --points below 16", ["support", "--points", "15"], "--points", "from 16"),
        option("support --points 2^23", ["support", "--points", "8388608"], "--points", "4194304"),
        option("support --half-width 2", ["support", "--half-width", "2"], "--half-width", "greater than 2"),
        option("support --uniform-steps negative", ["support", "--uniform-steps", "-1"], "--uniform-steps"),
        option(
            "support no grid steps", ["support", "--uniform-steps", "0", "--geometric-steps", "0"],
            "--uniform-steps"),
        option("support --integrator rk4", ["support", "--integrator", "rk4"], "--integrator"),
        size(
            "support particles × steps beyond the work cap",
            [
                "support", "--particles", "100000000", "--steps",
                "10000000",
            ], "--particles", "operations"),
    ]

    static let crosscheckCases: [HostileInput] = [
        option("crosscheck --particles list with zero", ["crosscheck", "--particles", "100,0"], "--particles"),
        option("crosscheck --particles list not numbers", ["crosscheck", "--particles", "a,b"], "--particles"),
        option("crosscheck --particles negative", ["crosscheck", "--particles", "-5"], "--particles"),
        option("crosscheck --times above --time", ["crosscheck", "--times", "0.5,2"], "--times"),
        option("crosscheck --times nan", ["crosscheck", "--times", "nan"], "--times"),
        option("crosscheck --steps zero", ["crosscheck", "--steps", "0"], "--steps"),
        option(
            "crosscheck --grid-steps Int.max", ["crosscheck", "--grid-steps", "9223372036854775807"],
            "--grid-steps"),
        option("crosscheck --integrator ddpm", ["crosscheck", "--integrator", "ddpm"], "--integrator"),
        option("crosscheck --time negative", ["crosscheck", "--time", "-2"], "--time"),
        size(
            "crosscheck particles × steps beyond the work cap",
            [
                "crosscheck", "--particles", "100000000,100000000",
                "--steps", "10000000",
            ], "--particles", "operations"),
    ]

    static let memorizeCases: [HostileInput] = [
        option("memorize --particles zero", ["memorize", "--particles", "0"], "--particles", "from 1"),
        option("memorize --steps above 10^6", ["memorize", "--steps", "1000001"], "--steps", "1000000"),
        option("memorize --step-sweep negative", ["memorize", "--step-sweep", "-10"], "--step-sweep"),
        option("memorize --step-sweep fraction", ["memorize", "--step-sweep", "1.5"], "--step-sweep"),
        option("memorize --final-step above --time", ["memorize", "--final-step", "2"], "--final-step"),
        option("memorize --t-stars inf", ["memorize", "--t-stars", "inf"], "--t-stars"),
        option("memorize --epsilon negative", ["memorize", "--epsilon", "-1e-3"], "--epsilon", "greater than 0"),
        option("memorize --time above 50", ["memorize", "--time", "51"], "--time", "50"),
        option("memorize --voronoi-runs zero", ["memorize", "--voronoi-runs", "0"], "--voronoi-runs"),
        option(
            "memorize --prediction-samples 999", ["memorize", "--prediction-samples", "999"],
            "--prediction-samples"),
        option(
            "memorize --training-count Int.max",
            [
                "memorize", "--dataset", "moons", "--training-count",
                "9223372036854775807",
            ], "--training-count"),
        option(
            "memorize digits --training-count above 1797",
            ["memorize", "--dataset", "digits", "--training-count", "1798"], "--training-count", "1797"),
        option(
            "memorize --dataset digits with --data", ["memorize", "--dataset", "digits", "--data", "x.csv"],
            "--data"),
        option("memorize --jitter nan", ["memorize", "--dataset", "swiss-roll", "--jitter", "nan"], "--jitter"),
        option("memorize --points ragged list starting with a minus", ["memorize", "--points", "-1;2,3"], "--points"),
        size(
            "memorize particles × steps beyond the work cap",
            [
                "memorize", "--particles", "10000000", "--steps",
                "1000000",
            ], "--particles", "operations"),
        size(
            "memorize 2000-column --data", ["memorize", "--data", "{dir}/wide.csv"],
            files: ["wide.csv": wideCSV(rows: 2, columns: 2000)], "--data", "1000"),
        option(
            "memorize --ratio zero", ["memorize", "--samples", "{dir}/s.csv", "--ratio", "0"],
            "--ratio", "greater than 0 and at most 1"),
        option("memorize --ratio nan", ["memorize", "--samples", "{dir}/s.csv", "--ratio", "nan"], "--ratio"),
        option("memorize --ratio above 1", ["memorize", "--samples", "{dir}/s.csv", "--ratio", "1.5"], "--ratio"),
        option(
            "memorize --samples missing file", ["memorize", "--samples", "{dir}/absent.csv"], "--samples",
            "absent.csv"),
        HostileInput(
            .option, "memorize --samples of another dimension",
            ["memorize", "--samples", "{dir}/wide.csv", "--points", "0,2,2.5"],
            files: ["wide.csv": wideCSV(rows: 3, columns: 4)], mentions: ["--samples", "4-D", "1-D"]),
        HostileInput(
            .option, "memorize --samples against one training point",
            ["memorize", "--samples", "{dir}/one.csv", "--points", "0"],
            files: ["one.csv": wideCSV(rows: 3, columns: 1)], mentions: ["--data", "two training points"]),
        HostileInput(
            .option, "memorize --samples empty file", ["memorize", "--samples", "{dir}/empty.csv"],
            files: ["empty.csv": Data("x\n".utf8)], mentions: ["--samples", "no points"]),
    ]

    static let generateCases: [HostileInput] = [
        option("generate --particles zero", ["generate", "--particles", "0"], "--particles"),
        option("generate --steps one", ["generate", "--steps", "1"], "--steps", "from 2"),
        option("generate --bandwidth zero", ["generate", "--bandwidth", "0"], "--bandwidth", "greater than 0"),
        option("generate --bias inf", ["generate", "--bias", "inf"], "--bias", "finite"),
        option("generate --noise-level negative", ["generate", "--noise-level", "-0.3"], "--noise-level"),
        option("generate --final-time above --time", ["generate", "--final-time", "5"], "--final-time"),
        option("generate --error-t-min zero", ["generate", "--error-t-min", "0"], "--error-t-min"),
        option("generate --t-min nan", ["generate", "--t-min", "nan"], "--t-min"),
        option("generate --dataset unknown", ["generate", "--dataset", "circles"], "--dataset"),
        size(
            "generate 20000-column --data", ["generate", "--data", "{dir}/wide.csv"],
            files: ["wide.csv": wideCSV(rows: 2, columns: 20_000)], "--data", "1000"),
        size(
            "generate all scores beyond the work cap",
            [
                "generate", "--score", "all", "--particles", "1000000",
                "--steps", "100000", "--training-count", "100000",
            ],
            "--particles", "operations"),
    ]

    static let trainCases: [HostileInput] = [
        option("train --width zero", ["train", "--width", "0"], "--width"),
        option("train --width 4097", ["train", "--width", "4097"], "--width", "4096"),
        option("train --depth negative", ["train", "--depth", "-3"], "--depth"),
        option("train --batch Int.max", ["train", "--batch", "9223372036854775807"], "--batch"),
        option("train --learning-rate nan", ["train", "--learning-rate", "nan"], "--learning-rate"),
        option("train --learning-rate 2", ["train", "--learning-rate", "2"], "--learning-rate", "at most 1"),
        option("train --training-points zero", ["train", "--training-points", "0"], "--training-points"),
        option("train --samples negative", ["train", "--samples", "-1"], "--samples"),
        option("train --sampling-steps 1001", ["train", "--sampling-steps", "1001"], "--sampling-steps", "1000"),
        option(
            "train --novelty-threshold subnormal", ["train", "--novelty-threshold", "-1e-310"],
            "--novelty-threshold"),
        option(
            "train --checkpoint-every without --checkpoint", ["train", "--checkpoint-every", "10"],
            "--checkpoint-every"),
        option(
            "train --checkpoint-every zero", ["train", "--checkpoint-every", "0", "--checkpoint", "{dir}/net.json"],
            "--checkpoint-every"),
        size("train width 4096 depth 64", ["train", "--width", "4096", "--depth", "64"], "--width", "--depth"),
        size(
            "train steps × batch beyond the work cap", ["train", "--steps", "10000000", "--batch", "100000"],
            "--steps", "operations"),
        size(
            "train 2000-column --data", ["train", "--data", "{dir}/wide.csv"],
            files: ["wide.csv": wideCSV(rows: 2, columns: 2000)], "--data", "1000"),
    ]

    static let verifyCases: [HostileInput] = [
        option("verify --tolerance-scale negative", ["verify", "--tolerance-scale", "-1"], "--tolerance-scale"),
        option("verify --tolerance-scale nan", ["verify", "--tolerance-scale", "nan"], "--tolerance-scale"),
        option("verify --plant without --only", ["verify", "--plant", "1"], "--plant"),
        option("verify --only unknown", ["verify", "--only", "no-such-claim"], "--only"),
    ]

    /// Options every subcommand shares (--threads, --seed, --format), tried on several of them.
    /// `--model table --schedule-file FILE` on `forward`: the file's every rule, and the model options' owners.
    private static func scheduleFile(
        _ name: String, _ text: String, command: String = "forward", extra: [String] = [], _ mentions: String...
    ) -> HostileInput {
        HostileInput(
            .csv, "schedule file: \(name)",
            [command, "--model", "table", "--schedule-file", "{dir}/schedule.csv"] + extra,
            files: ["schedule.csv": Data(text.utf8)], mentions: ["--schedule-file"] + mentions)
    }

    static let scheduleCases: [HostileInput] = [
        scheduleFile("a header other than t,beta or t,sigma", "t,gamma\n0,1\n1,2\n", "t,beta or t,sigma"),
        scheduleFile("three columns", "t,beta,x\n0,1,2\n1,2,3\n", "header"),
        scheduleFile("one row", "t,beta\n0,1\n", "from 2 to"),
        scheduleFile("only a header", "t,sigma\n", "from 2 to"),
        scheduleFile("a first time other than 0", "t,beta\n0.1,1\n1,2\n", "first time must be 0"),
        scheduleFile("times repeated", "t,beta\n0,1\n0.5,2\n0.5,3\n", "increase strictly", "row 3"),
        scheduleFile("times decreasing", "t,beta\n0,1\n1,2\n0.5,3\n", command: "sample", "increase strictly"),
        scheduleFile("a negative beta", "t,beta\n0,1\n1,-2\n", "at least 0", "row 2"),
        scheduleFile("a decreasing sigma", "t,sigma\n0,1\n1,0.5\n", command: "reverse", "must not decrease"),
        scheduleFile("a beta past 10^4", "t,beta\n0,1\n1,20000\n", "at most", "row 2"),
        scheduleFile("a time past 1000", "t,beta\n0,1\n2000,2\n", "at most 1000"),
        scheduleFile("nan", "t,beta\n0,nan\n1,2\n", "not finite"),
        scheduleFile("a word for a number", "t,beta\n0,one\n1,2\n", "row 1", "two numbers"),
        scheduleFile("ragged rows", "t,beta\n0,1\n1\n", "line 3"),
        scheduleFile("--time past the last row", "t,beta\n0,1\n1,2\n", extra: ["--time", "2"], "--time", "last row"),
        scheduleFile(
            "--time past the last row, orders", "t,sigma\n0,0.1\n0.5,1\n", command: "orders", extra: ["--time", "1"],
            "--time", "last row"),
        HostileInput(
            .csv, "schedule file: missing", ["forward", "--model", "table", "--schedule-file", "{dir}/absent.csv"],
            mentions: ["--schedule-file", "absent.csv"]),
        HostileInput(
            .csv, "schedule file: a directory", ["forward", "--model", "table", "--schedule-file", "{dir}"],
            mentions: ["--schedule-file", "not a regular file"]),
        option("--model table without --schedule-file", ["forward", "--model", "table"], "--schedule-file"),
        option(
            "--schedule-file with --model vp", ["forward", "--model", "vp", "--schedule-file", "x.csv"],
            "--schedule-file", "--model table"),
        option("--sigma-max with --model edm", ["sample", "--model", "edm", "--sigma-max", "3"], "--sigma-max", "ve"),
        option("--beta-min with --model cosine", ["forward", "--model", "cosine", "--beta-min", "1"], "--beta-min"),
        option(
            "cosine --beta-max below 1", ["forward", "--model", "cosine", "--beta-max", "0.5"], "--beta-max",
            "cosine clip"),
        option("sub-vp --beta-max inf", ["forward", "--model", "sub-vp", "--beta-max", "inf"], "--beta-max"),
        option(
            "support from edm (no stationary law)", ["support", "--model", "edm"], "--model edm",
            "no stationary law"),
        option(
            "reverse naive on sub-vp", ["reverse", "--model", "sub-vp", "--methods", "naive,pde"], "--model sub-vp",
            "naive"),
    ]

    static let sharedCases: [HostileInput] = [
        option("forward --threads zero", ["forward", "--threads", "0"], "--threads", "between 1 and 64"),
        option("sample --threads 65", ["sample", "--threads", "65"], "--threads", "between 1 and 64"),
        option("reverse --threads negative", ["reverse", "--threads", "-2"], "--threads"),
        option("memorize --seed negative", ["memorize", "--seed", "-1"], "--seed"),
        option("generate --seed 2^64", ["generate", "--seed", "18446744073709551616"], "--seed"),
        option("train --seed not a number", ["train", "--seed", "1e3"], "--seed"),
        option("support --format unknown", ["support", "--format", "xml"], "--format"),
        option("crosscheck --steps not a number", ["crosscheck", "--steps", "ten"], "--steps"),
    ]
}

@Suite struct OptionHostileInputTests {
    @Test(arguments: HostileInput.optionCases) func refused(_ input: HostileInput) throws { try input.check() }

    /// Every case is distinct: a name and an argument list (with the files it writes) of its own.
    @Test func casesAreDistinct() {
        let cases = HostileInput.optionCases
        #expect(Set(cases.map(\.name)).count == cases.count)
        let inputs = cases.map { input in
            input.arguments
                + input.files.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.base64EncodedString())" }
        }
        #expect(Set(inputs).count == cases.count)
        #expect(cases.count >= 110)
    }
}

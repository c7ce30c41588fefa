// swift-tools-version: 6.1
import PackageDescription

/// CareLedger's benchmarks: a package of its own so that the library never depends on the
/// benchmark harness. Run from the repository root with `make bench`, or
/// `swift package --package-path Benchmarks benchmark [--filter REGEX] [--format markdown]`.
///
/// - `AppendThroughput`: append throughput of the ledger, each benchmark beside its raw-LMDB
///   baseline measured in the same run, and a final summary of the ratios
///   (see `Benchmarks/AppendThroughput/AppendThroughput.swift`).
/// - `ProjectionReplay`: the projection engine (full replay, as-of queries) over a generated
///   history of 1 M events (10 M with `CARELEDGER_BENCH_FULL=1`), beside C scans of the same
///   store, and a summary of the ratios (see `Benchmarks/ProjectionReplay/ProjectionReplay.swift`).
/// - `ReportReplay`: the built-in reports (KPI, funnel, geography) replayed in full, together and
///   each alone, on a generated CareWare history of 1 M events (10 M in full mode), beside a C
///   scan touching every byte of the same store (see `Benchmarks/ReportReplay/ReportReplay.swift`).
///   Its summary measures the guarded figures: the replay in per-mille of the scan and its
///   allocations per million events, each with a threshold; `make bench-baseline` records a
///   baseline and `make bench-check` compares a new run with it.
/// - `CatchUpLag`: how far the three reports, followed by the engine's catch-up runner, trail
///   an appender paced at 20 k events/s (`CARELEDGER_BENCH_LAG_RATE`): p50/p99/max lag in events
///   and in milliseconds, and the sustained append rate (see `Benchmarks/CatchUpLag/CatchUpLag.swift`).
/// - `ImportJSONL`: `careledger import`'s import of a generated JSON Lines file (100 k events,
///   1 M in full mode) into a new store, beside reading and parsing the same file without
///   storing it, in the same run, as a ratio (see `Benchmarks/ImportJSONL/ImportJSONL.swift`).
/// - `RawLMDB`: the baselines, written in C straight against liblmdb, so that they measure LMDB
///   and nothing of Swift.
/// - `BenchmarkSupport`: what the benchmarks share: the `events/s` metric, percentiles, the
///   results each benchmark hands to its target's summary benchmark, temporary directories.
let package = Package(
    name: "careledger-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named: a path dependency without a name takes its identity from the folder the project
        // is cloned into, which breaks the product reference below in a clone under another name.
        .package(name: "careledger", path: ".."),
        // The MallocInterposer trait alone: the default traits pull in a runtime interposer
        // that is not in the package mirror.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        // Already a dependency of the harness; named to read its allocation counters directly,
        // which the replay summary turns into allocations per event.
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.6.1"),
    ],
    targets: [
        .target(
            name: "RawLMDB",
            linkerSettings: [.linkedLibrary("lmdb")]
        ),
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")]
        ),
        .executableTarget(
            name: "AppendThroughput",
            dependencies: [
                "RawLMDB",
                "BenchmarkSupport",
                .product(name: "Ledger", package: "careledger"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AppendThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ProjectionReplay",
            dependencies: [
                "RawLMDB",
                "BenchmarkSupport",
                .product(name: "Ledger", package: "careledger"),
                .product(name: "Projections", package: "careledger"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            path: "Benchmarks/ProjectionReplay",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ReportReplay",
            dependencies: [
                "RawLMDB",
                "BenchmarkSupport",
                .product(name: "CareLedger", package: "careledger"),
                .product(name: "Ledger", package: "careledger"),
                .product(name: "Projections", package: "careledger"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            path: "Benchmarks/ReportReplay",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CatchUpLag",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "CareLedger", package: "careledger"),
                .product(name: "Ledger", package: "careledger"),
                .product(name: "Projections", package: "careledger"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CatchUpLag",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ImportJSONL",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "CareLedger", package: "careledger"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ImportJSONL",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

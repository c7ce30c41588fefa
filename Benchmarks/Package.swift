// swift-tools-version: 6.1
import PackageDescription

/// CareLedger's benchmarks: a package of its own so that the library never depends on the
/// benchmark harness. Run from the repository root with `make bench`, or
/// `swift package --package-path Benchmarks benchmark [--filter REGEX] [--format markdown]`.
///
/// - `AppendThroughput`: append throughput of the ledger, each benchmark beside its raw-LMDB
///   baseline measured in the same run, and a final summary of the ratios
///   (see `Benchmarks/AppendThroughput/AppendThroughput.swift`).
/// - `RawLMDB`: the baseline, written in C straight against liblmdb, so that it measures LMDB
///   and nothing of Swift.
let package = Package(
    name: "careledger-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named: a plain `.package(path: "..")` takes its identity from the folder the project
        // is cloned into, which breaks the product reference below in a clone under another name.
        .package(name: "careledger", path: ".."),
        // The MallocInterposer trait alone: the default traits pull in a runtime interposer
        // that is not in the package mirror.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "RawLMDB",
            linkerSettings: [.linkedLibrary("lmdb")]
        ),
        .executableTarget(
            name: "AppendThroughput",
            dependencies: [
                "RawLMDB",
                .product(name: "Ledger", package: "careledger"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AppendThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

import Benchmark
import BenchmarkSupport
import Foundation

/// The comparisons the summary reports: each a candidate over its baseline, by the median
/// events per second of each (both measured in the same run).
struct Comparison {
    /// What is compared, as the table shows it.
    let title: String
    let candidate: String
    let baseline: String
    /// The ratio the issue asks for, or `nil` for a row shown for context.
    let target: Double?
    /// `true`: show the ratio as a multiple (20×); `false`: as a percentage (40%).
    let asMultiple: Bool
    /// The custom metric the summary benchmark reports the ratio under, in percent.
    var metric: BenchmarkMetric { .custom("\(title) (% of baseline)", polarity: .prefersLarger, useScalingFactor: false) }

    static let all: [Comparison] = [
        Comparison(
            title: "batch 1, deferred", candidate: "ledger-batch-1", baseline: "raw-batch-1",
            target: nil, asMultiple: false),
        Comparison(
            title: "batch 100, deferred", candidate: "ledger-batch-100", baseline: "raw-batch-100",
            target: 0.40, asMultiple: false),
        Comparison(
            title: "batch 10000, deferred", candidate: "ledger-batch-10000", baseline: "raw-batch-10000",
            target: 0.40, asMultiple: false),
        Comparison(
            title: "64 concurrent durable appenders", candidate: "ledger-durable-64-appenders",
            baseline: "raw-durable-1-per-commit", target: 20, asMultiple: true),
        // Context: the ledger's layout written by C, splitting each gap into layout and implementation.
        Comparison(
            title: "batch 100: ledger layout in C vs log", candidate: "layout-batch-100", baseline: "raw-batch-100",
            target: nil, asMultiple: false),
        Comparison(
            title: "batch 100: ledger vs its layout in C", candidate: "ledger-batch-100", baseline: "layout-batch-100",
            target: nil, asMultiple: false),
        Comparison(
            title: "batch 10000: ledger layout in C vs log", candidate: "layout-batch-10000", baseline: "raw-batch-10000",
            target: nil, asMultiple: false),
        Comparison(
            title: "batch 10000: ledger vs its layout in C", candidate: "ledger-batch-10000", baseline: "layout-batch-10000",
            target: nil, asMultiple: false),
        Comparison(
            title: "durable, 1 appender", candidate: "ledger-durable-1-appender",
            baseline: "raw-durable-1-per-commit", target: nil, asMultiple: true),
        Comparison(
            title: "durable ceiling: log, 64 per commit", candidate: "raw-durable-64-per-commit",
            baseline: "raw-durable-1-per-commit", target: nil, asMultiple: true),
        Comparison(
            title: "durable ceiling: ledger layout, 64 streams per commit", candidate: "layout-durable-64-per-commit",
            baseline: "raw-durable-1-per-commit", target: nil, asMultiple: true),
        Comparison(
            title: "durable: 64 appenders vs their layout in C", candidate: "ledger-durable-64-appenders",
            baseline: "layout-durable-64-per-commit", target: nil, asMultiple: false),
    ]
}

/// Builds the markdown summary of one run from the rates its benchmarks saved.
struct Summary {
    let entries: [String: RunResults.Entry]

    /// Each comparison measured in full in this run, with its ratio.
    var ratios: [(Comparison, Double)] {
        Comparison.all.compactMap { comparison in
            guard let candidate = entries[comparison.candidate], let baseline = entries[comparison.baseline],
                  baseline.p50 > 0
            else { return nil }
            return (comparison, candidate.p50 / baseline.p50)
        }
    }

    var markdown: String {
        var lines = [
            "## Append throughput: CareLedger vs raw LMDB (same run)",
            "",
            "Records of \(Workload.recordSize) bytes; events/s as median (p25–p75) of per-iteration rates.",
            "",
            "| comparison | candidate | events/s | baseline | events/s | ratio | target | met |",
            "|---|---|---:|---|---:|---:|---:|:---:|",
        ]
        for comparison in Comparison.all {
            let candidate = entries[comparison.candidate]
            let baseline = entries[comparison.baseline]
            var ratio = "–"
            var met = "–"
            if let candidate, let baseline, baseline.p50 > 0 {
                let value = candidate.p50 / baseline.p50
                ratio = Self.format(ratio: value, asMultiple: comparison.asMultiple)
                if let target = comparison.target { met = value >= target ? "yes" : "**no**" }
            }
            let target = comparison.target.map { "≥ " + Self.format(ratio: $0, asMultiple: comparison.asMultiple) } ?? "(context)"
            lines.append(
                "| \(comparison.title) | \(candidate?.name ?? comparison.candidate) | \(Self.format(candidate)) "
                    + "| \(baseline?.name ?? comparison.baseline) | \(Self.format(baseline)) | \(ratio) | \(target) | \(met) |")
        }
        let commits = entries.values.filter { $0.eventsPerCommit != nil }.sorted { $0.name < $1.name }
        if !commits.isEmpty {
            lines.append("")
            for entry in commits {
                lines.append("- \(entry.name): \(String(format: "%.1f", entry.eventsPerCommit!)) events per commit (median).")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ entry: RunResults.Entry?) -> String {
        guard let entry else { return "not run" }
        return "\(rate(entry.p50)) (\(rate(entry.p25))–\(rate(entry.p75)))"
    }

    static func rate(_ value: Double) -> String {
        switch value {
        case 1e6...: String(format: "%.2f M", value / 1e6)
        case 1e4...: String(format: "%.0f k", value / 1e3)
        case 1e3...: String(format: "%.1f k", value / 1e3)
        default: String(format: "%.0f", value)
        }
    }

    static func format(ratio: Double, asMultiple: Bool) -> String {
        asMultiple ? String(format: "%.1f×", ratio) : String(format: "%.0f%%", ratio * 100)
    }
}

/// Registers the summary benchmark: it runs last (benchmarks run in order of name), reads the
/// rates the other benchmarks of this run saved, reports each ratio as a custom metric in
/// percent, prints the markdown table and writes it to `Benchmarks/.results/append-summary.md`.
/// Comparisons whose two sides did not both run (say, under `--filter`) are left out.
func registerSummary() {
    final class State { var summary = Summary(entries: [:]) }
    let state = State()
    Benchmark(
        "Summary: ratios to raw LMDB",
        configuration: .init(
            metrics: Comparison.all.map(\.metric), warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1,
            thresholds: Dictionary(uniqueKeysWithValues: Comparison.all.map { ($0.metric, BenchmarkThresholds()) })),
        closure: { benchmark in
            for (comparison, ratio) in state.summary.ratios {
                benchmark.measurement(comparison.metric, Int((ratio * 100).rounded()))
            }
        },
        setup: { state.summary = Summary(entries: RunResults.load()) },
        teardown: {
            let markdown = state.summary.markdown
            let file = RunResults.directory.appendingPathComponent("append-summary.md")
            try? FileManager.default.createDirectory(at: RunResults.directory, withIntermediateDirectories: true)
            try? (markdown + "\n").write(to: file, atomically: true, encoding: .utf8)
            report("\n" + markdown + "\n\n(written to \(file.path))\n")
        })
}

import Benchmark
import BenchmarkSupport
import Foundation

/// Builds the markdown summary of one run of the replay benchmarks from what they saved.
struct ReplaySummary {
    let entries: [String: RunResults.Entry]

    static let baseline = "replay-c-touch"
    static let fullReplay = "replay-all-2-threads"
    static let oneThread = "replay-all-1-thread"
    /// Replays (and context scans) in table order, compared with ``baseline``.
    static let replays = [
        "replay-c-touch", "replay-c-walk", "replay-c-touch-releasing",
        "replay-all-2-threads", "replay-all-2-threads-unbounded", "replay-all-1-thread",
        "replay-kpi-counters", "replay-funnel-stages", "replay-geo-distinct-members", "replay-no-op", "replay-no-op-unbounded",
    ]
    static let asOf = ["asof-position-snapshots", "asof-position-at-snapshots", "asof-position-no-snapshots", "asof-time"]

    /// The metric the summary benchmark reports the ratio of replay `key` under, in percent.
    static func ratioMetric(_ key: String) -> BenchmarkMetric {
        .custom("\(key) (% of C touch-every-byte)", polarity: .prefersLarger, useScalingFactor: false)
    }

    /// The ratio of each replay measured in this run to the baseline, by key.
    var ratios: [(String, Double)] {
        guard let baseline = entries[Self.baseline], baseline.p50 > 0 else { return [] }
        return Self.replays.compactMap { key in entries[key].map { (key, $0.p50 / baseline.p50) } }
    }

    var markdown: String {
        let events = entries.values.first?.eventsPerIteration ?? ReplayStore.events
        var lines = ["## Projection replay: CareLedger beside raw LMDB (same run)", ""]
        lines.append(storeLine(events: events))
        lines.append("")
        lines.append("### Full replay")
        lines.append("")
        lines.append("events/s: median (p25–p75) of per-iteration rates. Cores busy: CPU time over wall time of the iteration (median). Peak RSS: the most of any iteration (`VmHWM`, reset before each); its anonymous part (heap: the states) and file-backed part (the store's memory map: clean page cache, reclaimable), peaks sampled every 5 ms. Allocations: median per iteration, every thread.")
        lines.append("")
        lines.append("| benchmark | events/s | vs C touch-every-byte | cores busy | peak RSS | of it: anonymous / file-backed | allocations / iteration | allocations / event |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        let baseline = entries[Self.baseline]
        for key in Self.replays {
            guard let entry = entries[key] else { continue }
            let ratio = baseline.map { $0.p50 > 0 ? Self.percent(entry.p50 / $0.p50) : "–" } ?? "–"
            let mallocs = entry.extra("mallocs.p50")
            lines.append(
                "| \(entry.name) | \(Self.rate(entry)) | \(ratio) | \(entry.extra("cpuPerWall.p50").map { String(format: "%.2f", $0) } ?? "–") "
                    + "| \(Self.megabytes(entry.extra("peakResident.max"))) "
                    + "| \(Self.megabytes(entry.extra("peakAnonymous.max"))) / \(Self.megabytes(entry.extra("peakFile.max"))) "
                    + "| \(mallocs.map { String(format: "%.0f", $0) } ?? "–") "
                    + "| \(mallocs.map { String(format: "%.5f", $0 / Double(entry.eventsPerIteration)) } ?? "–") |")
        }
        lines.append("")
        lines.append(contentsOf: targets(events: events))
        lines.append("")
        lines.append("### As-of queries")
        lines.append("")
        lines.append("Milliseconds per query of one projection: median (p25–p75), max. Snapshots every \(asOfSnapshotInterval) events (kpi-counters: every \(EventCounters.snapshotInterval), its own interval).")
        lines.append("")
        lines.append("| benchmark | " + projectionNames.joined(separator: " | ") + " | peak RSS | of it: anonymous / file-backed | allocations / iteration |")
        lines.append("|---|" + String(repeating: "---:|", count: projectionNames.count + 3))
        for key in Self.asOf {
            guard let entry = entries[key] else { continue }
            let cells = projectionNames.map { Self.latency(entry, $0) }
            lines.append(
                "| \(entry.name) | " + cells.joined(separator: " | ")
                    + " | \(Self.megabytes(entry.extra("peakResident.max"))) "
                    + "| \(Self.megabytes(entry.extra("peakAnonymous.max"))) / \(Self.megabytes(entry.extra("peakFile.max"))) "
                    + "| \(entry.extra("mallocs.p50").map { String(format: "%.0f", $0) } ?? "–") |")
        }
        if let snapshots = entries["asof-position-snapshots"], let participants = snapshots.extra("head.participants") {
            lines.append("")
            lines.append(
                "At the head the reports say: \(Int(participants)) participants (median stage \(Int(snapshots.extra("head.medianStage") ?? 0))), "
                    + "\(Int(snapshots.extra("head.members") ?? 0)) members in \(Int(snapshots.extra("head.regions") ?? 0)) municipalities, "
                    + "\(Int(snapshots.extra("head.pairs") ?? 0)) distinct (municipality, member) pairs. "
                    + "Checked in the setup: counters at the head sum to the head; at a random position, states restored from snapshots equal states folded from position 1. "
                    + "First catch-up of this run (folds and writes snapshots, or restores them): "
                    + "\(String(format: "%.1f", max(snapshots.extra("catchUpSeconds") ?? 0, entries["asof-position-at-snapshots"]?.extra("catchUpSeconds") ?? 0))) s.")
        }
        return lines.joined(separator: "\n")
    }

    private func storeLine(events: Int) -> String {
        let touch = entries[Self.baseline] ?? entries["replay-c-walk"] ?? entries["replay-c-touch-releasing"]
        var line = "Store: \(Self.count(events)) events (\(ReplayStore.modeName)), seed \(ReplayStore.seed), format v\(History.formatVersion)"
        if let touch {
            if let streams = touch.extra("store.streams") { line += ", \(Self.count(Int(streams))) streams, \(EventKind.allCases.count) event types" }
            if let bytes = touch.extra("store.valueBytes") { line += ", records \(String(format: "%.0f", bytes / Double(events))) bytes on average" }
            if let file = touch.extra("store.fileBytes") { line += ", data file \(Self.megabytes(file))" }
            if let seconds = touch.extra("store.generationSeconds") { line += " (generated once in \(String(format: "%.0f", seconds)) s)" }
        }
        return line + ": `Benchmarks/.stores/\(ReplayStore.directory.lastPathComponent)`."
    }

    private func targets(events: Int) -> [String] {
        let at10M = events >= 10_000_000
        let scale = at10M ? "" : " (measured at \(Self.count(events)); the target is for 10 M)"
        var lines = ["### Targets", "", "| target | measured | met |", "|---|---:|:---:|"]
        func met(_ ok: Bool) -> String { ok ? "yes" : "**no**" }
        if let full = entries[Self.fullReplay], let baseline = entries[Self.baseline], baseline.p50 > 0 {
            let ratio = full.p50 / baseline.p50
            lines.append("| full replay (3 projections, 2 threads) ≥ 25% of the C scan (issue) | \(Self.percent(ratio)) | \(met(ratio >= 0.25)) |")
            lines.append("| stretch: ≥ 50% | \(Self.percent(ratio)) | \(met(ratio >= 0.5)) |")
            lines.append("| project goal: ≥ 100% | \(Self.percent(ratio)) | \(met(ratio >= 1)) |")
        }
        if let unbounded = entries["replay-all-2-threads-unbounded"], let baseline = entries[Self.baseline], baseline.p50 > 0 {
            let peak = unbounded.extra("peakResident.max").map { ", peak RSS \(Self.megabytes($0))" } ?? ""
            lines.append("| … the same with the mapping unbounded (`scanResidentBudget` out of reach\(peak)) | \(Self.percent(unbounded.p50 / baseline.p50)) | (context) |")
        }
        if let two = entries[Self.fullReplay], let one = entries[Self.oneThread], one.p50 > 0 {
            lines.append("| 2 threads over 1 thread | \(String(format: "%.2f×", two.p50 / one.p50)) | (context) |")
        }
        if let asOf = entries["asof-position-snapshots"] {
            let slowest = projectionNames.compactMap { name in asOf.extra(name + ".p50").map { (name, $0) } }.max { $0.1 < $1.1 }
            if let (name, median) = slowest {
                lines.append("| as-of position with snapshots < 10 ms per query\(scale) | slowest median \(String(format: "%.2f", median)) ms (\(name)) | \(met(median < 10)) |")
            }
        }
        if let full = entries[Self.fullReplay], let peak = full.extra("peakResident.max") {
            lines.append("| peak RSS of the full replay < 300 MB\(scale) | \(Self.megabytes(peak)) | \(met(peak < 300e6)) |")
            if let anonymous = full.extra("peakAnonymous.max") {
                lines.append("| … counting only anonymous memory (the states, the heap) | \(Self.megabytes(anonymous)) | \(met(anonymous < 300e6)) |")
            }
        }
        if let full = entries[Self.fullReplay], let mallocs = full.extra("mallocs.p50") {
            lines.append("| allocations per event of the full replay (none per event: bounded, not proportional) | \(String(format: "%.5f", mallocs / Double(full.eventsPerIteration))) (\(Int(mallocs)) per replay) | \(met(mallocs / Double(full.eventsPerIteration) < 0.01)) |")
        }
        return lines
    }

    static func count(_ value: Int) -> String {
        value >= 1_000_000 && value % 1_000_000 == 0 ? "\(value / 1_000_000) M"
            : value >= 1_000 && value % 1_000 == 0 ? "\(value / 1_000) k" : "\(value)"
    }

    static func rate(_ entry: RunResults.Entry) -> String {
        "\(rate(entry.p50)) (\(rate(entry.p25))–\(rate(entry.p75)))"
    }

    static func rate(_ value: Double) -> String {
        switch value {
        case 1e6...: String(format: "%.2f M", value / 1e6)
        case 1e3...: String(format: "%.0f k", value / 1e3)
        default: String(format: "%.0f", value)
        }
    }

    static func percent(_ ratio: Double) -> String { String(format: "%.0f%%", ratio * 100) }

    static func megabytes(_ bytes: Double?) -> String {
        guard let bytes, bytes > 0 else { return "–" }
        return String(format: "%.0f MB", bytes / 1e6)
    }

    static func latency(_ entry: RunResults.Entry, _ name: String) -> String {
        guard let p50 = entry.extra(name + ".p50") else { return "–" }
        func ms(_ value: Double?) -> String {
            guard let value else { return "?" }
            return value < 10 ? String(format: "%.2f", value) : String(format: "%.0f", value)
        }
        return "\(ms(p50)) (\(ms(entry.extra(name + ".p25")))–\(ms(entry.extra(name + ".p75")))), max \(ms(entry.extra(name + ".max")))"
    }
}

/// Registers the summary benchmark: it runs last in this target (benchmarks run in order of
/// name), reads what the other benchmarks of this run saved, reports each replay's ratio to
/// the C scan as a custom metric in percent, prints the markdown and writes it to
/// `Benchmarks/.results/replay-summary.md`. Rows whose benchmarks did not run (say, under
/// `--filter`) are left out.
func registerReplaySummary() {
    final class State { var summary = ReplaySummary(entries: [:]) }
    let state = State()
    let metrics = ReplaySummary.replays.map(ReplaySummary.ratioMetric)
    Benchmark(
        "Summary: replay beside raw LMDB",
        configuration: .init(
            metrics: metrics, warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1,
            thresholds: Dictionary(uniqueKeysWithValues: metrics.map { ($0, BenchmarkThresholds()) })),
        closure: { benchmark in
            for (key, ratio) in state.summary.ratios {
                benchmark.measurement(ReplaySummary.ratioMetric(key), Int((ratio * 100).rounded()))
            }
        },
        setup: { state.summary = ReplaySummary(entries: RunResults.load().filter { $0.key.hasPrefix("replay-") || $0.key.hasPrefix("asof-") }) },
        teardown: { RunResults.publish(state.summary.markdown, as: "replay-summary.md") })
}

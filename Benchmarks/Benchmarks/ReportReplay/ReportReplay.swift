import Benchmark
import BenchmarkSupport
import CareLedger
import Foundation
import Ledger
import MallocInterposerSwift
import Projections
import RawLMDB

/// The built-in reports (KPI, funnel, geography) replayed in full beside the physical limit of
/// their store, measured in the same run: a C loop over a raw LMDB cursor touching every byte of
/// the same log.
///
/// ```sh
/// swift package --package-path Benchmarks benchmark --target ReportReplay --no-progress
/// CARELEDGER_BENCH_FULL=1 swift package --package-path Benchmarks benchmark --target ReportReplay --no-progress
/// ```
///
/// | benchmark | one iteration |
/// |---|---|
/// | `Reports: raw LMDB cursor touching every byte (C)` | the baseline (`RAW_LMDB_SCAN_TOUCH`) |
/// | `Reports: all 3, 2 threads` / `1 thread` | `replayAll()` of the three reports, `Configuration.threads` 2 / 1 |
/// | `Reports: all 3, 2 threads, mapping unbounded (context)` | the same with the ledger's `scanResidentBudget` out of reach: what bounding the mapped store costs |
/// | `Reports: raw LMDB cursor touching every byte (C), compacted copy` / `Reports: all 3, 2 threads, compacted copy` | the scan and the replay on the store's compacted copy (`Ledger.copy(to:compacting:)`), whose log lies in the file in order; the replay's ratio is to this scan |
/// | `Reports: <report> alone` | `replayAll()` of one report, 1 thread |
/// | `Reports: <report> as of a random position, with snapshots` | one as-of query of one report on a copy of the store holding the reports' snapshots (see `registerAsOf`); latency, no baseline |
/// | `Summary: reports beside raw LMDB` | prints each replay's median rate as a ratio of the scan's, and writes it to `Benchmarks/.results/report-replay-summary.md`; measures the guarded figures ``replayPerMille`` and ``allocationsPerMillionEvents`` |
///
/// The store: ``ReportStore`` (1 M CareWare events, 10 M in full mode), made once. Each
/// benchmark runs in a process of its own, so the C reader never shares a process with an open
/// ledger. Thresholds: 25% on the medians of `events/s` and wall clock; allocations per replay
/// (`mallocCountTotal`, and the exact count around `replayAll()` that the summary prints)
/// within an absolute bound, since a replay allocates per entity table growth, never per event.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [eventsPerSecond, .wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1,
        maxDuration: .seconds(ReportStore.events > 1_000_000 ? 60 : 5), maxIterations: ReportStore.events > 1_000_000 ? 3 : 8,
        thresholds: [
            eventsPerSecond: .init(relative: [.p50: 25]),
            .wallClock: .init(relative: [.p50: 25]),
            .mallocCountTotal: .init(absolute: [.p50: ReportStore.events > 1_000_000 ? 5_000 : 2_000]),
        ])
    for scan in ReportScan.all { registerScan(scan) }
    for replay in ReportReplay.all { registerReplay(replay) }
    registerAsOf(.kpi, name: "kpi")
    registerAsOf(.funnel, name: "funnel")
    registerAsOf(.geography, name: "geography")
    registerSummary()
}

/// One replay benchmark: which reports, on how many threads, and whether the ledger's scans
/// keep their usual bounded share of the memory map.
struct ReportReplay {
    enum Report { case kpi, funnel, geography }
    let key: String
    let name: String
    let reports: [Report]
    let threads: Int
    /// Whether the ledger's `scanResidentBudget` is set out of reach (context: what the bound
    /// on the mapped store costs, at the price of a resident set as large as the store).
    var unbounded = false
    /// Whether it replays the store's compacted copy (``ReportStore/compactedPath``).
    var compacted = false

    /// The key of the scan of the same store: the ratio's denominator.
    var scanKey: String { (compacted ? ReportScan.compacted : ReportScan.asAppended).key }

    static let all = [
        ReportReplay(key: "reports-all-2-threads", name: "Reports: all 3, 2 threads", reports: [.kpi, .funnel, .geography], threads: 2),
        ReportReplay(
            key: "reports-all-2-threads-unbounded", name: "Reports: all 3, 2 threads, mapping unbounded (context)",
            reports: [.kpi, .funnel, .geography], threads: 2, unbounded: true),
        ReportReplay(
            key: "reports-all-2-threads-compacted", name: "Reports: all 3, 2 threads, compacted copy",
            reports: [.kpi, .funnel, .geography], threads: 2, compacted: true),
        ReportReplay(key: "reports-all-1-thread", name: "Reports: all 3, 1 thread", reports: [.kpi, .funnel, .geography], threads: 1),
        ReportReplay(key: "reports-kpi", name: "Reports: kpi alone", reports: [.kpi], threads: 1),
        ReportReplay(key: "reports-funnel", name: "Reports: funnel alone", reports: [.funnel], threads: 1),
        ReportReplay(key: "reports-geography", name: "Reports: geography alone", reports: [.geography], threads: 1),
    ]
}

/// A C scan touching every byte of a store: the baseline of the replays of that store.
struct ReportScan {
    let key: String
    let name: String
    let compacted: Bool

    static let asAppended = ReportScan(key: "reports-c-touch", name: "Reports: raw LMDB cursor touching every byte (C)", compacted: false)
    static let compacted = ReportScan(
        key: "reports-c-touch-compacted", name: "Reports: raw LMDB cursor touching every byte (C), compacted copy", compacted: true)
    static let all = [asAppended, compacted]
}

/// `Reports: raw LMDB cursor touching every byte (C)`, of the store as appended or of its compacted copy.
func registerScan(_ scan: ReportScan) {
    final class Reader { var handle: OpaquePointer? }
    let reader = Reader()
    let rates = Rates(key: scan.key, name: scan.name, eventsPerIteration: ReportStore.events)
    Benchmark(rates.name) { benchmark in
        var result = raw_lmdb_scan_result()
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let code = raw_lmdb_reader_scan(reader.handle, Int32(RAW_LMDB_SCAN_TOUCH.rawValue), &result)
        let elapsed = start.duration(to: .now)
        benchmark.stopMeasurement()
        guard code == 0 else { throw BenchmarkFailure("raw_lmdb_reader_scan: \(String(cString: raw_lmdb_strerror(code)))") }
        guard result.records == UInt64(ReportStore.events) else { throw BenchmarkFailure("scanned \(result.records) records") }
        blackHole(result.checksum)
        rates.record(benchmark, events: Int(result.records), elapsed: elapsed)
    } setup: {
        try await ReportStore.ensure(compacted: scan.compacted)
        var error: Int32 = 0
        reader.handle = raw_lmdb_reader_open(ReportStore.path(compacted: scan.compacted), &error)
        guard reader.handle != nil else { throw BenchmarkFailure("raw_lmdb_reader_open: \(String(cString: raw_lmdb_strerror(error)))") }
    } teardown: {
        rates.save()
        raw_lmdb_reader_close(reader.handle)
        reader.handle = nil
    }
}

/// `Reports: …`: one `replayAll()` per iteration of an engine holding only the chosen reports.
func registerReplay(_ replay: ReportReplay) {
    final class Fixture { var store: CareStore?; var engine: ProjectionEngine? }
    let fixture = Fixture()
    let rates = Rates(key: replay.key, name: replay.name, eventsPerIteration: ReportStore.events)
    Benchmark(replay.name) { benchmark in
        guard let engine = fixture.engine else { throw BenchmarkFailure("engine not open") }
        benchmark.startMeasurement()
        let mallocs = MallocInterposerSwift.getStatistics().mallocCount
        let start = ContinuousClock.now
        let result = try engine.replayAll()
        let elapsed = start.duration(to: .now)
        let allocated = MallocInterposerSwift.getStatistics().mallocCount - mallocs
        benchmark.stopMeasurement()
        guard result.failures.isEmpty, result.events == UInt64(ReportStore.events) else {
            throw BenchmarkFailure("\(replay.name): replayed \(result.events) events, failures \(result.failures)")
        }
        rates.record(benchmark, events: Int(result.events), elapsed: elapsed)
        if rates.measures(benchmark) { rates.record("mallocs", Double(allocated)) }
    } setup: {
        try await ReportStore.ensure(compacted: replay.compacted)
        var configuration = ReportStore.configuration()
        configuration.engine.threads = replay.threads
        if replay.unbounded { configuration.ledger.scanResidentBudget = 1 << 40 }
        // The store registers the three reports with its own engine; the benchmark's engine
        // over the same ledger holds only the chosen ones.
        let store = try await CareStore(path: ReportStore.path(compacted: replay.compacted), configuration: configuration)
        let engine = try await ProjectionEngine(ledger: store.ledger, configuration: configuration.engine)
        for report in replay.reports {
            switch report {
            case .kpi: _ = try await engine.register(KPIProjection())
            case .funnel: _ = try await engine.register(FunnelProjection())
            case .geography: _ = try await engine.register(GeographyProjection())
            }
        }
        fixture.store = store
        fixture.engine = engine
    } teardown: {
        rates.save()
        fixture.engine = nil
        await fixture.store?.close()
        fixture.store = nil
    }
}

/// The headline replay (all three reports, 2 threads) in thousandths of the C scan's rate,
/// both medians of this run: the core ratio, guarded by a threshold.
let replayPerMille = BenchmarkMetric.custom("replay ‰ of C scan", polarity: .prefersLarger, useScalingFactor: false)
/// Allocations of the headline replay per million events (median): 0.001 per event is 1,000.
let allocationsPerMillionEvents = BenchmarkMetric.custom("allocations per M events", polarity: .prefersSmaller, useScalingFactor: false)

/// `Summary: reports beside raw LMDB`: the ratios of this run, and the guarded figures.
///
/// Its one iteration reads the results the earlier benchmarks of the run saved, and measures
/// ``replayPerMille`` and ``allocationsPerMillionEvents``, so that a baseline records them
/// and `baseline check` compares them under their thresholds: the ratio within 25% of the
/// baseline's (a fall from 140 ‰ to under 105 ‰ fails), allocations within 1,000 per million
/// events of it (a single allocation per event fails by a factor of 1,000).
func registerSummary() {
    Benchmark(
        "Summary: reports beside raw LMDB",
        configuration: .init(
            metrics: [replayPerMille, allocationsPerMillionEvents], warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1,
            thresholds: [
                replayPerMille: .init(relative: [.p50: 25]),
                allocationsPerMillionEvents: .init(absolute: [.p50: 1_000]),
            ])
    ) { benchmark in
        let entries = RunResults.load()
        guard let scan = entries["reports-c-touch"], scan.p50 > 0, let headline = entries["reports-all-2-threads"] else { return }
        benchmark.measurement(replayPerMille, Int((1_000 * headline.p50 / scan.p50).rounded()))
        if let mallocs = headline.extra("mallocs.p50") {
            benchmark.measurement(allocationsPerMillionEvents, Int((mallocs * 1_000_000 / Double(ReportStore.events)).rounded()))
        }
    } teardown: {
        let entries = RunResults.load()
        guard let scan = entries["reports-c-touch"], scan.p50 > 0 else {
            report("Summary: no scan result in this run (run the whole ReportReplay target)")
            return
        }
        var lines = [
            "Report replay beside a raw LMDB scan touching every byte (C), \(ReportStore.events) CareWare events, medians of one run:",
            "",
            "| benchmark | events/s (p50) | ratio to the scan of the same store | allocations per replay |",
            "|---|---:|---:|---:|",
        ]
        for baseline in ReportScan.all {
            guard let entry = entries[baseline.key] else { continue }
            lines.append("| \(entry.name) | \(Int(entry.p50)) | 1.00 | – |")
        }
        for replay in ReportReplay.all {
            guard let entry = entries[replay.key] else { continue }
            let mallocs = entry.extra("mallocs.p50").map { String(Int($0)) } ?? "–"
            let ratio = entries[replay.scanKey].map { String(format: "%.2f", entry.p50 / $0.p50) } ?? "–"
            lines.append("| \(entry.name) | \(Int(entry.p50)) | \(ratio) | \(mallocs) |")
        }
        if let headline = entries["reports-all-2-threads"] {
            let mallocs = headline.extra("mallocs.p50").map { String(format: "%.0f", $0 * 1_000_000 / Double(ReportStore.events)) } ?? "–"
            lines += [
                "",
                "Guarded (`make bench-check`): replay \(Int((1_000 * headline.p50 / scan.p50).rounded())) ‰ of the C scan, "
                    + "\(mallocs) allocations per million events (all 3 reports, 2 threads).",
            ]
        }
        RunResults.publish(lines.joined(separator: "\n"), as: "report-replay-summary.md")
    }
}

import Benchmark
import BenchmarkSupport
import CareLedger
import Foundation

/// `CareStore.importEvents(fromFile:)` beside its baseline measured in the same run: reading
/// and parsing the same JSON Lines file into events with the same reader and parser
/// (`JSONLinesReader`, `CareEvent(line:)`) without storing anything.
///
/// ```sh
/// swift package --package-path Benchmarks benchmark --target ImportJSONL --no-progress
/// ```
///
/// | benchmark | one iteration |
/// |---|---|
/// | `Import: into a new store (durable)` | a new store under the temporary directory, opened with the defaults `careledger import` uses (`Durability.full`); `importEvents(fromFile:)` of the whole file, timed alone |
/// | `Import: read and parse only (baseline)` | every line of the file read and turned into a `CareEvent` |
/// | `Summary: import beside parsing` | prints the import's rate as a ratio of the parse's, with its two passes apart, and writes it to `Benchmarks/.results/import-summary.md` |
///
/// The import reads and parses the file twice (a checking pass that stores nothing, then the
/// committing pass, in atomic batches of 4,096 with a flush each), so it cannot exceed half
/// the baseline's rate. The file: ``ImportFile`` (100 k events, 1 M in full mode), made once.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [eventsPerSecond, .wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1,
        maxDuration: .seconds(ImportFile.events > 100_000 ? 120 : 20), maxIterations: 3,
        thresholds: [eventsPerSecond: .init(relative: [.p50: 25]), .wallClock: .init(relative: [.p50: 25])])
    registerParse()
    registerImport()
    registerImportSummary()
}

/// `Import: read and parse only (baseline)`.
func registerParse() {
    let rates = Rates(key: "import-parse", name: "Import: read and parse only (baseline)", eventsPerIteration: ImportFile.events)
    Benchmark(rates.name, configuration: .init(maxIterations: 8)) { benchmark in
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let reader = try JSONLinesReader(path: ImportFile.path)
        var events = 0
        var checksum = 0
        while let line = try reader.next() {
            let event = try CareEvent(line: line.value)
            checksum &+= event.id.utf8.count
            events += 1
        }
        let elapsed = start.duration(to: .now)
        benchmark.stopMeasurement()
        blackHole(checksum)
        guard events == ImportFile.events else { throw BenchmarkFailure("parsed \(events) events, expected \(ImportFile.events)") }
        rates.record(benchmark, events: events, elapsed: elapsed)
    } setup: {
        try ImportFile.ensure()
    } teardown: {
        rates.facts["bytes"] = Double(ImportFile.bytes)
        rates.save()
    }
}

/// `Import: into a new store (durable)`.
func registerImport() {
    let rates = Rates(key: "import-store", name: "Import: into a new store (durable)", eventsPerIteration: ImportFile.events)
    Benchmark(rates.name) { benchmark in
        let root = try makeTemporaryDirectory("careledger-import")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var configuration = CareStore.Configuration()
        configuration.engine.logger.logLevel = .warning
        let store = try await CareStore(path: root + "/store", configuration: configuration)
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let summary: ImportSummary
        do {
            summary = try await store.importEvents(fromFile: ImportFile.path)
        } catch {
            await store.close()
            throw error
        }
        let elapsed = start.duration(to: .now)
        benchmark.stopMeasurement()
        await store.close()
        guard summary.eventsStored == ImportFile.events else {
            throw BenchmarkFailure("imported \(summary.eventsStored) events, expected \(ImportFile.events)")
        }
        rates.record(benchmark, events: summary.eventsStored, elapsed: elapsed)
        if rates.measures(benchmark) {
            rates.record("checking.seconds", summary.validationDuration.seconds)
            rates.record("committing.seconds", summary.commitDuration.seconds)
            rates.record("batches", Double(summary.batches))
        }
    } setup: {
        try ImportFile.ensure()
    } teardown: {
        rates.save()
    }
}

/// `Summary: import beside parsing`: the ratios of this run.
func registerImportSummary() {
    Benchmark(
        "Summary: import beside parsing",
        configuration: .init(metrics: [], warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1, thresholds: [:])
    ) { _ in
    } teardown: {
        let entries = RunResults.load()
        guard let parse = entries["import-parse"], parse.p50 > 0, let store = entries["import-store"] else {
            report("Summary: no parse or import result in this run (run the whole ImportJSONL target)")
            return
        }
        let events = Double(ImportFile.events)
        let megabytes = (parse.extra("bytes") ?? 0) / 1_000_000
        var lines = [
            "Import of a JSON Lines file of \(ImportFile.events) generated CareWare events (\(String(format: "%.0f", megabytes)) MB) "
                + "beside reading and parsing the same file without storing it, medians of one run:",
            "",
            "| benchmark | events/s (p50) | ratio to parsing |",
            "|---|---:|---:|",
            "| \(parse.name) | \(Int(parse.p50)) | 1.00 |",
            "| \(store.name) | \(Int(store.p50)) | \(String(format: "%.2f", store.p50 / parse.p50)) |",
        ]
        for (key, pass) in [("checking.seconds.p50", "checking pass"), ("committing.seconds.p50", "committing pass")] {
            guard let seconds = store.extra(key), seconds > 0 else { continue }
            let rate = events / seconds
            lines.append("| – its \(pass) alone | \(Int(rate)) | \(String(format: "%.2f", rate / parse.p50)) |")
        }
        if let batches = store.extra("batches.p50") { lines += ["", "The import committed \(Int(batches)) durable batches."] }
        RunResults.publish(lines.joined(separator: "\n"), as: "import-summary.md")
    }
}

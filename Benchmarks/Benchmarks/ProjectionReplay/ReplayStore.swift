import BenchmarkSupport
import Foundation
import Ledger

/// The ledger store every replay benchmark reads: a generated ``History`` of ``events``
/// events, created once and reused by every later run.
///
/// It lives in `Benchmarks/.stores/replay-<events>-s<seed>-v<format>/` (ignored by git), so a
/// change of size, seed or ``History/formatVersion`` makes a new one; delete the folder to
/// regenerate. A store is built in a `.partial` folder beside it and renamed when complete,
/// so an interrupted generation is never reused. Generation appends in atomic multi-stream
/// batches of ``batchSize`` events under ``Durability/deferred``, then syncs. On the 2-core reference
/// machine it takes 12 s for 1 M events and 133 s for 10 M; the folder holds about 0.5 GB per
/// million events (the log, its indexes, and the snapshots of the as-of benchmarks).
///
/// The benchmarks add to the store only what the projection engine itself writes: the
/// checkpoints and snapshots of the as-of benchmark, in the engine's tables, never the log.
enum ReplayStore {
    /// 1 M events (quick mode, the default), or 10 M with `CARELEDGER_BENCH_FULL=1`.
    static let events: Int = ProcessInfo.processInfo.environment["CARELEDGER_BENCH_FULL"] == "1" ? 10_000_000 : 1_000_000
    static let seed: UInt64 = 42
    /// Events per atomic append: 20 000 for 1 M (about 22 days of history per batch), 50 000
    /// for 10 M (5.5 days). Larger batches load faster (each commit copies fewer index pages
    /// per event) but reorder more history, since a batch groups its events by stream.
    static let batchSize = max(20_000, events / 200)
    static var isFull: Bool { events >= 10_000_000 }
    static var modeName: String { isFull ? "full mode" : "quick mode" }

    static let directory: URL = RunResults.packageDirectory
        .appendingPathComponent(".stores")
        .appendingPathComponent("replay-\(events)-s\(seed)-v\(History.formatVersion)")

    static var path: String { directory.path }

    /// The file whose presence marks a complete store, with facts about its generation.
    static var marker: URL { directory.appendingPathComponent("history.json") }

    /// What generation recorded.
    struct Facts: Codable {
        var events: Int
        var seed: UInt64
        var formatVersion: Int
        var streams: Int
        var generationSeconds: Double
        var batchSize: Int
    }

    /// A map large enough that neither generation nor the snapshots ever grow it.
    static var mapSize: Int { max(4 << 30, events * 2_048) }

    static func configuration() -> Ledger.Configuration {
        var configuration = Ledger.Configuration()
        configuration.durability = .deferred
        configuration.initialMapSize = mapSize
        configuration.maximumMapSize = max(configuration.maximumMapSize, mapSize)
        return configuration
    }

    /// The store's facts, generating it first if it does not exist.
    @discardableResult
    static func ensure() async throws -> Facts {
        if let facts = try? JSONDecoder().decode(Facts.self, from: Data(contentsOf: marker)) { return facts }
        return try await generate()
    }

    /// Opens the (existing) store; `scanResidentBudget` overrides the ledger's default.
    static func open(scanResidentBudget: Int? = nil) throws -> Ledger {
        var configuration = configuration()
        if let scanResidentBudget { configuration.scanResidentBudget = scanResidentBudget }
        return try Ledger(path: path, configuration: configuration)
    }

    /// The size of the store's data file.
    static var fileSize: Int {
        (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("data.mdb").path)[.size] as? Int) ?? 0
    }

    private static func generate() async throws -> Facts {
        let manager = FileManager.default
        let partial = directory.deletingLastPathComponent().appendingPathComponent(directory.lastPathComponent + ".partial")
        try? manager.removeItem(at: partial)
        try? manager.removeItem(at: directory)
        try manager.createDirectory(at: partial.deletingLastPathComponent(), withIntermediateDirectories: true)
        report("Generating the replay store: \(events) events (seed \(seed), format v\(History.formatVersion)) in \(directory.path) …")
        let clock = ContinuousClock()
        let start = clock.now
        var history = History(events: events, seed: seed)
        do {
            let ledger = try Ledger(path: partial.path, configuration: configuration())
            defer { ledger.close() }
            var next = history.nextBatch(batchSize)
            var reported = 0
            while !next.isEmpty {
                // Build the next batch while the writer commits this one.
                let batch = next
                async let committed = ledger.append(batch)
                next = history.nextBatch(batchSize)
                _ = try await committed
                if history.generated - reported >= events / 10 {
                    reported = history.generated
                    let seconds = start.duration(to: clock.now).seconds
                    report("  \(reported) events, \(Int(Double(reported) / seconds)) events/s")
                }
            }
            try ledger.sync()
            let statistics = try ledger.statistics()
            guard statistics.events == UInt64(events) else {
                throw BenchmarkFailure("generated store holds \(statistics.events) events, expected \(events)")
            }
        }
        let facts = Facts(
            events: events, seed: seed, formatVersion: History.formatVersion, streams: History.streams,
            generationSeconds: start.duration(to: clock.now).seconds, batchSize: batchSize)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(facts).write(to: partial.appendingPathComponent("history.json"))
        try manager.moveItem(at: partial, to: directory)
        report("Generated in \(String(format: "%.1f", facts.generationSeconds)) s: \(fileSize >> 20) MiB")
        return facts
    }
}

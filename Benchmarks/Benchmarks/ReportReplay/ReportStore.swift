import BenchmarkSupport
import CareLedger
import Foundation
import Ledger

/// The CareWare store the report benchmarks read: ``CareHistory`` of ``events`` events (seed
/// ``seed``), appended once through ``CareStore`` (so every event passed the domain's rules) and
/// reused by every later run.
///
/// It lives in `Benchmarks/.stores/reports-<events>-s<seed>-v<format>/`: a change of size,
/// seed, generator or ``formatVersion`` makes a new one; delete the folder to regenerate. It is
/// built in a `.partial` folder and renamed when complete, so an interrupted generation is
/// never reused. Appends go in batches of up to ``batchSize`` events, cut where a stream would
/// recur out of order (the store keeps each stream's part of a batch together), under
/// `Durability.deferred`, then one sync.
enum ReportStore {
    /// 1 M events (quick mode, the default), or 10 M with `CARELEDGER_BENCH_FULL=1`.
    static let events: Int = ProcessInfo.processInfo.environment["CARELEDGER_BENCH_FULL"] == "1" ? 10_000_000 : 1_000_000
    static let seed: UInt64 = 42
    /// The generation of the store: the ledger's store format (2 since the stream index keeps
    /// an entry per 32 versions), bumped again when the ledger lays the pages of an append out
    /// differently (3 since an append writes its records one after the other, after their index
    /// entries, not between them); bump it, or when the generator changes, for a new store.
    static let formatVersion = 3
    static let batchSize = 20_000

    static let directory: URL = RunResults.packageDirectory
        .appendingPathComponent(".stores")
        .appendingPathComponent("reports-\(events)-s\(seed)-v\(formatVersion)")
    static var path: String { directory.path }
    /// The same store copied by `Ledger.copy(to:compacting: true)`: its log laid out in order.
    static var compactedPath: String { directory.path + "-compacted" }
    /// The same store copied page for page, then caught up by its engine, so that it holds the
    /// reports' snapshots (the as-of benchmarks' store).
    static var snapshotsPath: String { directory.path + "-snapshots" }
    private static var marker: URL { directory.appendingPathComponent("history.json") }

    /// A map large enough that generation never grows it.
    static func configuration() -> CareStore.Configuration {
        var configuration = CareStore.Configuration()
        configuration.ledger.durability = .deferred
        let mapSize = max(4 << 30, events * 2_048)
        configuration.ledger.initialMapSize = mapSize
        configuration.ledger.maximumMapSize = max(configuration.ledger.maximumMapSize, mapSize)
        configuration.engine.logger.logLevel = .warning
        return configuration
    }

    /// Makes the compacted copy of the store (``compactedPath``) unless it exists.
    static func ensureCompacted() async throws {
        try await ensureCopy(at: compactedPath, compacting: true)
    }

    /// Copies the store to `destination` (by `Ledger.copy(to:compacting:)`) unless a copy is
    /// there: a copy is renamed into place only when complete.
    static func ensureCopy(at destination: String, compacting: Bool) async throws {
        try await ensure()
        guard !FileManager.default.fileExists(atPath: destination + "/data.mdb") else { return }
        report("Copying the report store\(compacting ? ", compacted," : ""), to \(destination) …")
        let start = ContinuousClock.now
        let ledger = try Ledger(path: path, configuration: configuration().ledger)
        defer { ledger.close() }
        let copy = try ledger.copy(to: destination, compacting: compacting)
        report("Copied \(copy.bytes) bytes in \(String(format: "%.1f", start.duration(to: .now).seconds)) s")
    }

    /// The store a benchmark reads: as appended, or its compacted copy.
    static func path(compacted: Bool) -> String { compacted ? compactedPath : path }

    /// Makes the store a benchmark reads.
    static func ensure(compacted: Bool) async throws {
        if compacted { try await ensureCompacted() } else { try await ensure() }
    }

    /// Makes the store unless a complete one exists.
    static func ensure() async throws {
        guard !FileManager.default.fileExists(atPath: marker.path) else { return }
        let manager = FileManager.default
        let partial = directory.deletingLastPathComponent().appendingPathComponent(directory.lastPathComponent + ".partial")
        try? manager.removeItem(at: partial)
        try manager.createDirectory(at: partial, withIntermediateDirectories: true)
        report("Generating the report store: \(events) events (seed \(seed)) in \(directory.path) …")
        let start = ContinuousClock.now
        let store = try await CareStore(path: partial.path, configuration: configuration())
        do {
            var batch: [CareEvent] = []
            var streams = Set<String>()
            for event in CareHistory(seed: seed, count: events) {
                if batch.last?.stream != event.stream {
                    if batch.count >= batchSize || streams.contains(event.stream) {
                        try await store.append(batch)
                        batch.removeAll(keepingCapacity: true)
                        streams.removeAll(keepingCapacity: true)
                    }
                    streams.insert(event.stream)
                }
                batch.append(event)
            }
            if !batch.isEmpty { try await store.append(batch) }
            try store.ledger.sync()
            guard try store.ledger.head == UInt64(events) else { throw BenchmarkFailure("generated store holds \(try store.ledger.head) events, expected \(events)") }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        let seconds = start.duration(to: .now).seconds
        try Data("{\"events\": \(events), \"seed\": \(seed), \"generationSeconds\": \(seconds)}\n".utf8).write(to: partial.appendingPathComponent("history.json"))
        try manager.moveItem(at: partial, to: directory)
        report("Generated in \(String(format: "%.1f", seconds)) s")
    }
}

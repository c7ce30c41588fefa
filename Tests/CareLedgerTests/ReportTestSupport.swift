import CareLedger
import Foundation
import Ledger
import Projections
import Testing

/// A temporary ledger for one test, removed afterwards.
func withTemporaryLedger<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: (Ledger) async throws -> T
) async throws -> T {
    var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-reports-XXXXXX").utf8CString)
    let root = String(cString: try #require(mkdtemp(&template)))
    defer { try? FileManager.default.removeItem(atPath: root) }
    var configuration = Ledger.Configuration()
    configuration.durability = .deferred
    let ledger = try Ledger(path: root + "/store", configuration: configuration)
    defer { ledger.close() }
    return try await body(ledger)
}

/// Appends `events` in log order, in atomic batches whose streams keep that order, and checks
/// that the positions are 1, 2, 3, ….
func appendInOrder(_ events: some Sequence<CareEvent>, to ledger: Ledger) async throws {
    var batch: [StreamAppend] = []
    var streams = Set<String>()
    var next = try ledger.head + 1
    func flush() async throws {
        guard !batch.isEmpty else { return }
        let results = try await ledger.append(batch)
        let positions = results.flatMap(\.positions)
        #expect(positions == Array(next ..< next + UInt64(positions.count)))
        next += UInt64(positions.count)
        batch.removeAll()
        streams.removeAll()
    }
    for event in events {
        if batch.last?.stream == event.stream {
            batch[batch.count - 1].events.append(event.newEvent)
            continue
        }
        if streams.contains(event.stream) || batch.count >= 256 { try await flush() }
        streams.insert(event.stream)
        batch.append(StreamAppend([event.newEvent], to: event.stream))
    }
    try await flush()
}

/// A ledger holding `history`, with the reports registered on an engine whose snapshots are
/// frequent, so as-of-position queries start from decoded snapshots.
func withReports<T>(
    of history: [CareEvent], snapshotInterval: UInt64 = 700,
    isolation: isolated (any Actor)? = #isolation, _ body: (CareReports) async throws -> T
) async throws -> T {
    try await withTemporaryLedger { ledger in
        try await appendInOrder(history, to: ledger)
        var configuration = ProjectionEngine.Configuration()
        configuration.snapshotInterval = snapshotInterval
        configuration.chunkSize = 1_000
        let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
        let reports = try await CareReports(ledger: ledger, engine: engine)
        return try await body(reports)
    }
}

/// The points of a history worth asking about: now, a few positions, a few times (some
/// between events, some exactly at an event's `at`).
func interestingPoints(of history: [CareEvent], using random: inout SplitMix64) -> [AsOf] {
    let count = history.count
    var points: [AsOf] = [.now, .position(0), .position(1), .position(UInt64(count)), .position(UInt64(count + 10))]
    for _ in 0 ..< 3 { points.append(.position(UInt64(1 + Int(random.next() % UInt64(max(count, 1)))))) }
    let times = history.map(\.occurredAt.rawValue)
    if let first = times.min(), let last = times.max() {
        points.append(.time(Timestamp(rawValue: first - 1)))
        for _ in 0 ..< 3 { points.append(.time(Timestamp(rawValue: first + Int64(random.next() % UInt64(last - first + 1))))) }
        points.append(.time(Timestamp(rawValue: times[Int(random.next() % UInt64(count))])))
    }
    return points
}

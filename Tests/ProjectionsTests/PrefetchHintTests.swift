import Ledger
import Projections
import Synchronization
import Testing

/// A projection that logs every hint and every apply (position and kind), to check when the
/// engine hints: before applying, for each record of the projection's types, never for others.
struct HintLogger: Projection {
    final class Log: Sendable {
        let entries = Mutex<[(kind: Character, position: UInt64)]>([])
    }

    let log: Log
    var name: String { "hint-logger" }
    var version: UInt32 { 1 }
    var eventTypes: [String] { ["Added", "Removed"] }
    func initialState() -> UInt64 { 0 }
    func apply(_ event: RecordView, to state: inout UInt64) throws {
        state &+= 1
        log.entries.withLock { $0.append(("a", event.position)) }
    }
    func prefetch(_ event: RecordView, in state: inout UInt64) {
        log.entries.withLock { $0.append(("h", event.position)) }
    }
    func encode(_ state: UInt64, to writer: inout ByteWriter) { writer.write(state) }
    func decode(from reader: inout ByteReader) throws -> UInt64 { try reader.read() }
}

@Suite("Prefetch hints: groups of records, hinted before they are applied")
struct PrefetchHintTests {
    @Test("a replay hints each consumed record once, before applying it, at most 16 ahead, and the result is the fold's")
    func hintsPrecedeApplies() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 3)
            let stored = try await ledger.append(Sample.generate(300, seed: 3), batches: &rng)
            let consumed = stored.filter { ["Added", "Removed"].contains($0.sample.type) }.map(\.position)
            let engine = try await ProjectionEngine(ledger: ledger)
            let log = HintLogger.Log()
            let handle = try await engine.register(HintLogger(log: log))
            try await engine.catchUp()
            #expect(try engine.state(of: handle) == UInt64(consumed.count))

            let entries = log.entries.withLock { $0 }
            let hints = entries.filter { $0.kind == "h" }.map(\.position)
            let applies = entries.filter { $0.kind == "a" }.map(\.position)
            #expect(applies == consumed)
            #expect(hints == consumed, "one hint per consumed record, in order, none for other types")
            // Each record is hinted before it is applied, and not more than a group ahead.
            var hinted = 0
            var applied = 0
            for entry in entries {
                if entry.kind == "h" { hinted += 1 } else { applied += 1 }
                #expect(hinted >= applied)
                #expect(hinted - applied <= 16)
            }
        }
    }

    @Test("a group scan hands over consecutive positions in groups of at most 16 and stops when asked")
    func groupScan() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 4)
            _ = try await ledger.append(Sample.generate(100, seed: 4), batches: &rng)
            var positions: [UInt64] = []
            var sizes: [Int] = []
            let last = try ledger.read { scope in
                try scope.forEachRecordGroup(from: 5, through: 90) { group in
                    sizes.append(group.count)
                    positions += group.map(\.position)
                    return true
                }
            }
            #expect(positions == Array(5 ... 90))
            #expect(last == 90)
            #expect(sizes.allSatisfy { (1 ... 16).contains($0) })
            var groups = 0
            let stoppedAt = try ledger.read { scope in
                try scope.forEachRecordGroup { _ in
                    groups += 1
                    return groups < 2
                }
            }
            #expect(groups == 2)
            #expect(stoppedAt == 32, "two full groups handed over")
        }
    }
}

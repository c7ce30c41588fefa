import Foundation
import Ledger
import Projections
import Synchronization
@testable import ReliabilityWorker
import Testing

/// Seconds the soak runs: 2 in `make test`, 30 with `CARELEDGER_RELIABILITY=full`.
let soakSeconds = ProcessInfo.processInfo.environment["CARELEDGER_RELIABILITY"] == "full" ? 30 : 2

@Suite("Concurrency soak: writers, readers, subscribers and catch-up projections together")
struct SoakTests {
    @Test("nothing lost or duplicated, positions gap-free, checkpoints monotonic, projection equals a rebuild")
    func soak() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ledger = try Ledger(path: root + "/store")
        var configuration = ProjectionEngine.Configuration()
        configuration.checkpointInterval = 50
        configuration.snapshotInterval = 200
        configuration.chunkSize = 64
        let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
        let tally = try await engine.register(Tally())
        engine.start()
        let deadline = ContinuousClock.now + .seconds(soakSeconds)

        // Subscribers: every position once, in order, across catch-up and live, until the
        // position in `last` (set once the writers are done) has been delivered.
        let last = LastPosition()
        let subscribers = (0 ..< 2).map { _ in
            Task {
                var next: UInt64 = 1
                for try await event in ledger.subscribe(from: 1) {
                    #expect(event.position == next)
                    next += 1
                    if event.position >= last.value.load(ordering: .acquiring) { break }
                }
                return next - 1
            }
        }

        // Writers: racing ones on 4 shared streams with exact versions, free ones on their own.
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in 0 ..< 12 {
                group.addTask {
                    var stored: [String] = []
                    var n = 0
                    while ContinuousClock.now < deadline {
                        let racing = writer < 8
                        let stream = racing ? "shared-\(writer % 4)" : "own-\(writer)"
                        let events = (0 ... n % 3).map { i in
                            NewEvent(id: "w\(writer)-\(n)-\(i)", type: i == 0 ? "Added" : "Noted", occurredAt: .now, payload: [UInt8(i)])
                        }
                        n += 1
                        do {
                            let version = try ledger.version(of: stream)
                            _ = try await ledger.append(events, to: stream, expecting: racing ? .exact(version) : .any)
                            stored += events.map(\.id)
                        } catch LedgerError.wrongExpectedVersion {
                            continue // lost the race: nothing of it is stored
                        }
                    }
                    return stored
                }
            }
            // Readers: every snapshot is gap-free from 1 to its head.
            for _ in 0 ..< 2 {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        try ledger.read { scope in
                            let head = try scope.head
                            var expected: UInt64 = 1
                            _ = try scope.forEachRecord { record in
                                #expect(record.position == expected)
                                expected += 1
                                return true
                            }
                            #expect(expected == head + 1)
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return []
                }
            }
            // Checkpoints only move forwards.
            group.addTask {
                var last: UInt64 = 0
                while ContinuousClock.now < deadline {
                    let checkpoint = engine.status().first { $0.name == "tally" }?.checkpoint ?? 0
                    #expect(checkpoint >= last)
                    last = checkpoint
                    try await Task.sleep(for: .milliseconds(5))
                }
                return []
            }
            var all: [String] = []
            for try await ids in group { all += ids }
            return all
        }
        // One last event marks the end and wakes subscribers waiting at the head.
        let end = try ledger.head + 1
        last.value.store(end, ordering: .releasing)
        let marker = NewEvent(id: "end", type: "Noted", occurredAt: .now, payload: [])
        #expect(try await ledger.append([marker], to: "end").positions == [end])
        for subscriber in subscribers {
            #expect(try await subscriber.value == end, "each subscriber saw every event up to the marker")
        }
        await engine.stop()
        let head = try await engine.catchUp()

        var counts: [String: Int] = [:]
        _ = try ledger.read { scope in
            try scope.forEachRecord { record in
                counts[record.id, default: 0] += 1
                return true
            }
        }
        #expect(counts.count == acknowledged.count + 1, "every stored event was acknowledged and vice versa")
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(acknowledged.allSatisfy { counts[$0] == 1 })
        #expect(try ledger.verify().isIntact)
        #expect(head == UInt64(acknowledged.count) + 1)
        #expect(try engine.state(of: tally) == (try engine.state(of: tally, asOf: .position(head))))
        print("soak: \(acknowledged.count) events in \(soakSeconds) s")
        ledger.close()
    }
}

/// The position at which subscribers stop, shared with their tasks.
final class LastPosition: Sendable {
    let value = Atomic<UInt64>(.max)
}

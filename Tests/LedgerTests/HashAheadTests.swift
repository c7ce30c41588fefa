import Ledger
import Testing

/// Appends of many new records have their hash chain computed on a second thread while the
/// writer writes them (`ChainHasher`); in debug builds the writer also checks each hash it is
/// handed against the record it wrote.
@Suite("Large appends hashed ahead of the writing chain exactly as small ones")
struct HashAheadTests {
    @Test("a large append mixing retries, repeats, several streams, types and metadata verifies and reads back",
          arguments: [Durability.full, .deferred])
    func mixedLargeAppend(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            try await ledger.append((0 ..< 30).map { .sample("a\($0)") }, to: "a")
            func event(_ id: String, _ n: Int) -> NewEvent {
                .sample(id, type: n % 3 == 0 ? "Opened" : "Noted", metadata: n % 2 == 0 ? ["actor": "x", "about": "y\(n)"] : [:])
            }
            let retried = (20 ..< 30).map { NewEvent.sample("a\($0)") }
            let newInA = (30 ..< 90).map { event("a\($0)", $0) }
            let inB = (0 ..< 100).map { event("b\($0)", $0) }
            // A repeat of an event earlier in the same entry is stored once.
            let laterInA = (90 ..< 150).map { event("a\($0)", $0) } + [event("a100", 100)]
            let results = try await ledger.append([
                StreamAppend(retried + newInA, to: "a", expecting: .exact(30)),
                StreamAppend(inB, to: "b", expecting: .noStream),
                StreamAppend(laterInA, to: "a"),
            ])
            #expect(results.map(\.positions) == [
                Array(21 ... 30) + Array(31 ... 90),
                Array(91 ... 190),
                Array(191 ... 250) + [201],
            ])
            #expect(results.map(\.streamVersion) == [90, 100, 150])
            #expect(try ledger.head == 250)
            let report = try ledger.verify()
            #expect(report.isIntact, "\(report)")

            let all = try await ledger.allEvents()
            #expect(all.map(\.position) == Array(1 ... 250))
            #expect(all[30].id == "a30" && all[30].streamVersion == 31)
            #expect(all[190].id == "a90" && all[190].streamVersion == 91)
            #expect(all[120].metadata == ["actor": "x", "about": "y30"])
            #expect(all[120].type == "Opened")

            // The chain continues across appends, hashed ahead or not.
            try await ledger.append((0 ..< 60).map { .sample("c\($0)") }, to: "c")
            try await ledger.append([.sample("c60")], to: "c")
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("an optimistic write stopped by a stored id is redone carefully, and the chain stays intact",
          arguments: [0, 100, 200])
    func optimisticConflict(at index: Int) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = .deferred }
            try await ledger.append([.sample("x")], to: "other")
            // 200 new events with one stored in another stream among them: the optimistic
            // write meets it while hashing ahead is under way (or done), and stops the run.
            var events = (0 ..< 200).map { NewEvent.sample("n\($0)") }
            events.insert(.sample("x"), at: index)
            await #expect(throws: LedgerError.self) { try await ledger.append(events, to: "s") }
            #expect(try ledger.head == 1)
            try await ledger.append((0 ..< 200).map { .sample("n\($0)") }, to: "s")
            #expect(try ledger.head == 201)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("concurrent large appends share commits and the hasher, each chained in its turn",
          arguments: [Durability.full, .deferred])
    func concurrentLargeAppends(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0 ..< 8 {
                    group.addTask {
                        for round in 0 ..< 3 {
                            // Sizes around the hasher's threshold: some appends go through it.
                            let count = 40 + 30 * round + task
                            let events = (0 ..< count).map { NewEvent.sample("t\(task)-r\(round)-\($0)") }
                            try await ledger.append(events, to: "s\(task)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let expected = (0 ..< 8).reduce(0) { total, task in total + (0 ..< 3).reduce(0) { $0 + 40 + 30 * $1 + task } }
            #expect(try ledger.head == UInt64(expected))
            for task in 0 ..< 8 {
                let ids = try await ledger.events(in: "s\(task)").collect().map(\.id)
                let expectedIDs = (0 ..< 3).flatMap { round in (0 ..< 40 + 30 * round + task).map { "t\(task)-r\(round)-\($0)" } }
                #expect(ids == expectedIDs)
            }
            let report = try ledger.verify()
            #expect(report.isIntact, "\(report)")
        }
    }
}

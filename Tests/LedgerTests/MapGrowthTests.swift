import Ledger
import Testing

@Suite("Map growth: a small initial map grows as the store fills, up to the maximum")
struct MapGrowthTests {
    @Test("a million events appended to a store opened with a 64 KiB map: the map grows and the log stays intact")
    func millionEvents() async throws {
        try await TemporaryStore.with { store in
            let initialMapSize = 64 * 1024
            let ledger = try store.open {
                $0.initialMapSize = initialMapSize
                $0.durability = .deferred
            }
            let total = 1_000_000
            let batchSize = 10_000
            let streams = 10
            let occurredAt = Timestamp(secondsSinceEpoch: 1_700_000_000)
            let payload = Array("{\"n\":1}".utf8)
            for batch in 0 ..< total / batchSize {
                let events = (0 ..< batchSize).map { index in
                    NewEvent(id: "m\(batch * batchSize + index + 1)", type: "Loaded", occurredAt: occurredAt, payload: payload)
                }
                let result = try await ledger.append(events, to: "load-\(batch % streams)")
                #expect(result.positions.first == UInt64(batch * batchSize + 1))
                #expect(result.positions.last == UInt64((batch + 1) * batchSize))
            }
            try ledger.sync()

            #expect(try ledger.head == UInt64(total))
            let statistics = try ledger.statistics()
            #expect(statistics.events == UInt64(total))
            #expect(statistics.streams == streams)
            #expect(statistics.mapSize > initialMapSize, "the map grew")
            #expect(statistics.mapSize >= statistics.storeSize, "the data file fits in the map")
            for stream in 0 ..< streams {
                #expect(try ledger.version(of: "load-\(stream)") == UInt64(total / streams))
            }
            #expect(try ledger.event(at: 1)?.id == "m1")
            #expect(try ledger.event(at: 500_000)?.id == "m500000")
            #expect(try ledger.event(withID: "m1000000")?.position == 1_000_000)
            #expect(try ledger.event(withID: "m1000000")?.streamVersion == 100_000)

            let report = try ledger.verify()
            #expect(report.isIntact, "\(report)")
            #expect(report.head == UInt64(total))
            #expect(report.streams == streams)
            #expect(report.headHash == (try ledger.event(at: UInt64(total)))?.hash)
        }
    }

    @Test("reads, verification and a subscription running while the map grows see every event", .timeLimit(.minutes(2)))
    func readsDuringGrowth() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.initialMapSize = 64 * 1024 }
            let total: UInt64 = 20_000
            let subscriber = Task {
                var next: UInt64 = 1
                for try await event in ledger.subscribe(from: 1) {
                    guard event.position == next else { return next }
                    next += 1
                    if next > total { break }
                }
                return next
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for batch in 0 ..< 40 {
                        try await ledger.append((0 ..< 500).map { .sample("g\(batch)-\($0)", payload: String(repeating: "p", count: 100)) }, to: "s\(batch % 4)")
                    }
                }
                group.addTask {
                    while try ledger.head < total {
                        let head = try ledger.head
                        var count: UInt64 = 0
                        try ledger.forEachRecord(through: head) { record in
                            count += 1
                            return record.payload.count == 100
                        }
                        #expect(count == head)
                        let report = try ledger.verify()
                        #expect(report.isIntact, "\(report)")
                        await Task.yield()
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await subscriber.value == total + 1, "the subscriber saw positions 1...\(total) in order")
            #expect(try ledger.statistics().mapSize > 64 * 1024)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("a grown store reopens with a small initial map and keeps growing")
    func reopenAfterGrowth() async throws {
        try await TemporaryStore.with { store in
            do {
                let ledger = try store.open { $0.initialMapSize = 64 * 1024 }
                for batch in 0 ..< 4 {
                    try await ledger.append((0 ..< 2_000).map { .sample("a\(batch)-\($0)") }, to: "s")
                }
                #expect(try ledger.statistics().mapSize > 64 * 1024)
                ledger.close()
            }
            let reopened = try await PersistenceTests.reopen(store) { $0.initialMapSize = 64 * 1024 }
            #expect(try reopened.head == 8_000)
            #expect(try reopened.statistics().mapSize >= (try reopened.statistics().storeSize))
            try await reopened.append((0 ..< 4_000).map { .sample("b-\($0)") }, to: "s")
            #expect(try reopened.head == 12_000)
            #expect(try reopened.verify().isIntact)
        }
    }

    @Test("one event larger than the whole initial map is stored")
    func eventLargerThanTheMap() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open {
                $0.initialMapSize = 64 * 1024
                $0.limits = LedgerLimits(maximumEventSize: 4 << 20)
            }
            let payload = (0 ..< 1 << 20).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try await ledger.append([.sample("small")], to: "s")
            let result = try await ledger.append([NewEvent(id: "big", type: "Scan", occurredAt: Timestamp(rawValue: 0), payload: payload)], to: "s")
            #expect(result.positions == [2])
            #expect(try ledger.event(withID: "big")?.payload == payload)
            #expect(try ledger.statistics().mapSize > 1 << 20)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("at the maximum map size an append fails with mapFull and writes nothing")
    func maximumMapSize() async throws {
        try await TemporaryStore.with { store in
            let maximum = 512 * 1024
            let ledger = try store.open {
                $0.initialMapSize = 64 * 1024
                $0.maximumMapSize = maximum
            }
            var stored = 0
            var failure: (any Error)?
            for batch in 0 ..< 1_000 {
                let events = (0 ..< 100).map { NewEvent.sample("b\(batch)-\($0)", payload: String(repeating: "x", count: 150)) }
                do {
                    try await ledger.append(events, to: "s")
                    stored += events.count
                } catch {
                    failure = error
                    break
                }
            }
            let error = try #require(failure as? LedgerError, "appending 20 MB to a map of at most 512 KiB must fail")
            guard case .storage(let storage) = error else {
                Issue.record("expected a storage error, got \(error)")
                return
            }
            #expect(storage.code == .mapFull)
            #expect(stored > 0)
            #expect(try ledger.head == UInt64(stored))
            #expect(try ledger.event(withID: "b\(stored / 100)-0") == nil, "nothing of the failed append is stored")
            #expect(try ledger.statistics().mapSize == maximum)
            #expect(try ledger.verify().isIntact)

            // The ledger stays usable: reads work, and a failing append fails again the same way.
            let again = await #expect(throws: LedgerError.self) {
                try await ledger.append((0 ..< 100).map { .sample("again-\($0)", payload: String(repeating: "y", count: 150)) }, to: "s")
            }
            #expect(again == error)
            #expect(try ledger.head == UInt64(stored))
        }
    }

    @Test("a store opens with any initial map size: the map grows from there", arguments: [4096, 8192, 16384, 32768])
    func tinyInitialMap(size: Int) async throws {
        try await TemporaryStore.with { store in
            let ledger: Ledger
            do {
                ledger = try store.open { $0.initialMapSize = size }
            } catch let error as LedgerError {
                Issue.record("opening a new store with initialMapSize \(size) threw \(error)")
                return
            } catch {
                Issue.record("opening a new store with initialMapSize \(size) threw \(type(of: error)), not a LedgerError: \(error)")
                return
            }
            try await ledger.append((1 ... 100).map { .sample("e\($0)") }, to: "s")
            #expect(try ledger.head == 100)
            #expect(try ledger.verify().isIntact)
        }
    }
}

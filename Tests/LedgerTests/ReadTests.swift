import Dispatch
import Ledger
import Testing

@Suite("Reading: streams in both directions, the log, single events, record scans")
struct ReadTests {
    /// Opens a ledger holding three interleaved streams, two of whose names share a prefix:
    /// "patient-1" (versions 1...5), "patient-10" (1...3), "patient-2" (1...4); 12 events.
    ///
    /// | position | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 |
    /// |---|---|---|---|---|---|---|---|---|---|---|---|---|
    /// | stream | p1 | p10 | p2 | p1 | p1 | p10 | p2 | p2 | p1 | p10 | p2 | p1 |
    static func interleaved(_ store: TemporaryStore) async throws -> Ledger {
        let ledger = try store.open()
        let order = ["patient-1", "patient-10", "patient-2", "patient-1", "patient-1", "patient-10",
                     "patient-2", "patient-2", "patient-1", "patient-10", "patient-2", "patient-1"]
        var versions: [String: Int] = [:]
        for stream in order {
            let version = versions[stream, default: 0] + 1
            versions[stream] = version
            try await ledger.append([.sample("\(stream)/\(version)")], to: stream, expecting: .exact(UInt64(version - 1)))
        }
        return ledger
    }

    static let patient1Positions: [UInt64] = [1, 4, 5, 9, 12]

    @Test("a stream reads forwards, from version 1 by default or from a given version")
    func streamForwards() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            let all = try await ledger.events(in: "patient-1").collect()
            #expect(all.map(\.streamVersion) == [1, 2, 3, 4, 5])
            #expect(all.map(\.position) == Self.patient1Positions)
            #expect(all.map(\.id) == (1 ... 5).map { "patient-1/\($0)" })
            #expect(all.allSatisfy { $0.stream == "patient-1" }, "no event of patient-10 leaks into patient-1")

            #expect(try await ledger.events(in: "patient-1", from: 0).collect() == all, "version 0 reads from the start")
            let fromThree = try await ledger.events(in: "patient-1", from: 3).collect()
            #expect(fromThree.map(\.streamVersion) == [3, 4, 5])
            #expect(fromThree.map(\.position) == [5, 9, 12])
            #expect(try await ledger.events(in: "patient-1", from: 5).collect().map(\.position) == [12])
            #expect(try await ledger.events(in: "patient-1", from: 6).collect().isEmpty)
            #expect(try await ledger.events(in: "patient-10").collect().map(\.position) == [2, 6, 10])
        }
    }

    @Test("a stream reads backwards, from its last version by default or from a given version")
    func streamBackwards() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            let all = try await ledger.events(in: "patient-1", direction: .backwards).collect()
            #expect(all.map(\.streamVersion) == [5, 4, 3, 2, 1])
            #expect(all.map(\.position) == Self.patient1Positions.reversed())

            let fromThree = try await ledger.events(in: "patient-1", from: 3, direction: .backwards).collect()
            #expect(fromThree.map(\.streamVersion) == [3, 2, 1])
            #expect(fromThree.map(\.position) == [5, 4, 1])
            #expect(try await ledger.events(in: "patient-1", from: 1, direction: .backwards).collect().map(\.position) == [1])
            #expect(try await ledger.events(in: "patient-1", from: 0, direction: .backwards).collect().isEmpty)
            // Beyond the end: from the last version.
            #expect(try await ledger.events(in: "patient-1", from: 99, direction: .backwards).collect().map(\.streamVersion) == [5, 4, 3, 2, 1])
            // The last stream in key order, and the one whose name is a prefix of another.
            #expect(try await ledger.events(in: "patient-2", direction: .backwards).collect().map(\.position) == [11, 8, 7, 3])
            #expect(try await ledger.events(in: "patient-10", direction: .backwards).collect().map(\.position) == [10, 6, 2])
        }
    }

    @Test("a stream longer than one read chunk reads completely in both directions")
    func longStream() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            for batch in 0 ..< 7 {
                try await ledger.append((0 ..< 100).map { .sample("long-\(batch * 100 + $0 + 1)") }, to: "long")
                try await ledger.append([.sample("between-\(batch)")], to: "between")
            }
            let forwards = try await ledger.events(in: "long").collect()
            #expect(forwards.map(\.streamVersion) == Array(1 ... 700))
            #expect(forwards.map(\.id) == (1 ... 700).map { "long-\($0)" })
            let backwards = try await ledger.events(in: "long", direction: .backwards).collect()
            #expect(backwards.map(\.streamVersion) == Array((1 ... 700).reversed()))
            let middle = try await ledger.events(in: "long", from: 300, direction: .backwards).collect()
            #expect(middle.map(\.streamVersion) == Array((1 ... 300).reversed()))
            let tail = try await ledger.events(in: "long", from: 450).collect()
            #expect(tail.map(\.streamVersion) == Array(450 ... 700))
        }
    }

    @Test("a stream that does not exist reads as empty, version 0")
    func missingStream() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            #expect(try await ledger.events(in: "nobody").collect().isEmpty)
            #expect(try await ledger.events(in: "nobody", direction: .backwards).collect().isEmpty)
            #expect(try await ledger.events(in: "patient-").collect().isEmpty, "a prefix of a stream name is not that stream")
            #expect(try await ledger.events(in: "patient-100").collect().isEmpty)
            #expect(try ledger.version(of: "nobody") == 0)
            #expect(try ledger.version(of: "patient-") == 0)

            let empty = try store.open(at: store.sibling("empty"))
            #expect(try await empty.events(in: "any").collect().isEmpty)
            #expect(try await empty.events(in: "any", direction: .backwards).collect().isEmpty)
            #expect(try await empty.allEvents().isEmpty)
        }
    }

    @Test("the log reads from a middle position to the head")
    func logFromMiddle() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            let tail = try await ledger.events(from: 7).collect()
            #expect(tail.map(\.position) == Array(7 ... 12))
            #expect(tail.first?.id == "patient-2/2")
            #expect(try await ledger.events(from: 12).collect().map(\.position) == [12])
            #expect(try await ledger.events(from: 13).collect().isEmpty)
            #expect(try await ledger.events().collect().map(\.position) == Array(1 ... 12))
        }
    }

    @Test("the log longer than one read chunk reads completely from a middle position")
    func longLog() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 600).map { .sample("e\($0)") }, to: "s")
            let tail = try await ledger.events(from: 100).collect()
            #expect(tail.map(\.position) == Array(100 ... 600))
            #expect(tail.map(\.id) == (100 ... 600).map { "e\($0)" })
        }
    }

    @Test("event(at:) and event(withID:) find single events; nil when there is none")
    func singleEvents() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            let byPosition = try #require(try ledger.event(at: 9))
            #expect(byPosition.id == "patient-1/4")
            #expect(byPosition.stream == "patient-1")
            #expect(byPosition.streamVersion == 4)
            #expect(try ledger.event(withID: "patient-1/4") == byPosition)
            #expect(try ledger.event(withID: "patient-10/3")?.position == 10)

            #expect(try ledger.event(at: 0) == nil)
            #expect(try ledger.event(at: 13) == nil)
            #expect(try ledger.event(at: .max) == nil)
            #expect(try ledger.event(withID: "patient-1/6") == nil)
            #expect(try ledger.event(withID: "patient-1/") == nil)
        }
    }

    /// A read by a name that no event or stream can have (appends refuse such names).
    enum ImpossibleName: String, CaseIterable, Sendable {
        case emptyID, oversizedID, emptyStreamVersion, oversizedStreamVersion, emptyStreamEvents
    }

    @Test("reads by an id or stream name that cannot exist find nothing rather than fail", arguments: ImpossibleName.allCases)
    func readsWithImpossibleNames(_ name: ImpossibleName) async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            let oversized = String(repeating: "x", count: 600)
            // Documented: nil when there is no such event, 0 when the stream does not exist.
            switch name {
            case .emptyID: #expect(try ledger.event(withID: "") == nil)
            case .oversizedID: #expect(try ledger.event(withID: oversized) == nil)
            case .emptyStreamVersion: #expect(try ledger.version(of: "") == 0)
            case .oversizedStreamVersion: #expect(try ledger.version(of: oversized) == 0)
            case .emptyStreamEvents: #expect(try await ledger.events(in: "").collect().isEmpty)
            }
        }
    }

    @Test("forEachRecord visits a range in order and stops when the body returns false")
    func forEachRecord() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            var visited: [UInt64] = []
            let stoppedAt = try ledger.forEachRecord { record in
                visited.append(record.position)
                return record.position < 4
            }
            #expect(visited == [1, 2, 3, 4])
            #expect(stoppedAt == 4)

            visited = []
            let last = try ledger.forEachRecord(from: 3, through: 6) { record in
                visited.append(record.position)
                return true
            }
            #expect(visited == [3, 4, 5, 6])
            #expect(last == 6)

            visited = []
            #expect(try ledger.forEachRecord(from: 10) { visited.append($0.position); return true } == 12)
            #expect(visited == [10, 11, 12])

            var called = false
            #expect(try ledger.forEachRecord(from: 13) { _ in called = true; return true } == 12, "start - 1 when there is no record")
            #expect(try ledger.forEachRecord(from: 5, through: 4) { _ in called = true; return true } == 4)
            #expect(!called)
        }
    }

    struct Stop: Error, Equatable { var position: UInt64 }

    @Test("forEachRecord passes on what the body throws")
    func forEachRecordRethrows() async throws {
        try await TemporaryStore.with { store in
            let ledger = try await Self.interleaved(store)
            var visited: [UInt64] = []
            #expect(throws: Stop(position: 5)) {
                try ledger.forEachRecord { (record: RecordView) throws -> Bool in
                    visited.append(record.position)
                    if record.position == 5 { throw Stop(position: 5) }
                    return true
                }
            }
            #expect(visited == [1, 2, 3, 4, 5])
            // The ledger is still usable: the snapshot was released.
            try await ledger.append([.sample("after")], to: "s")
            #expect(try ledger.head == 13)
        }
    }

    @Test("a record view shows the same fields as the copied event")
    func recordViewFields() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let event = NewEvent(
                id: "view-1", type: "IdeaSubmitted", schemaVersion: 3,
                occurredAt: Timestamp(microsecondsSinceEpoch: 1_700_000_000_123_456),
                metadata: ["actor": "user-9", "source": "careware-se"], payload: Array("{\"idea\":\"cake\"}".utf8))
            try await ledger.append([.sample("view-0")], to: "ideas")
            try await ledger.append([event], to: "ideas")
            let copied = try #require(try ledger.event(at: 2))

            var checked = 0
            try ledger.forEachRecord(from: 2) { (record: RecordView) throws -> Bool in
                #expect(record.position == 2)
                #expect(record.streamVersion == 2)
                #expect(record.id == "view-1")
                #expect(record.stream == "ideas")
                #expect(record.type == "IdeaSubmitted")
                #expect(record.typeTag == EventTypeTag("IdeaSubmitted"))
                #expect(record.typeTag != EventTypeTag("IdeaSubmitted2"))
                #expect(record.schemaVersion == 3)
                #expect(record.occurredAt == event.occurredAt)
                #expect(record.recordedAt == copied.recordedAt)
                #expect(Array(record.payload) == event.payload)
                #expect(Array(record.idBytes) == Array("view-1".utf8))
                #expect(Array(record.streamBytes) == Array("ideas".utf8))
                #expect(Array(record.typeBytes) == Array("IdeaSubmitted".utf8))
                #expect(try record.metadata() == event.metadata)
                #expect(record.hash == copied.hash)
                #expect(record.canonicalBytes.count == record.bytes.count - 32)
                #expect(try RecordedEvent(record) == copied)
                checked += 1
                return true
            }
            #expect(checked == 1)
        }
    }

    @Test("forEachRecord reads one snapshot: appends committed while it runs are not seen")
    func forEachRecordIsASnapshot() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 5).map { .sample("before-\($0)") }, to: "s")

            // Scan on a thread of its own, pausing inside the first record until five more
            // events have been committed.
            let firstRecordReached = DispatchSemaphore(value: 0)
            let appendsCommitted = DispatchSemaphore(value: 0)
            let scan = Task.detached {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt64], any Error>) in
                    onOwnThread {
                        continuation.resume(with: Result {
                            var seen: [UInt64] = []
                            try ledger.forEachRecord { record in
                                if record.position == 1 {
                                    firstRecordReached.signal()
                                    appendsCommitted.wait()
                                }
                                seen.append(record.position)
                                return true
                            }
                            return seen
                        })
                    }
                }
            }
            await withCheckedContinuation { continuation in
                onOwnThread {
                    firstRecordReached.wait()
                    continuation.resume()
                }
            }
            try await ledger.append((1 ... 5).map { .sample("during-\($0)") }, to: "s")
            #expect(try ledger.head == 10)
            appendsCommitted.signal()
            #expect(try await scan.value == [1, 2, 3, 4, 5])
        }
    }
}

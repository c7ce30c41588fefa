import Ledger
import Testing

@Suite("Appending: positions, idempotent retries, expected versions, atomic multi-stream appends")
struct AppendTests {
    // MARK: - Positions and versions

    @Test("positions are gap-free across streams and versions count each stream's events")
    func positionsAndVersions() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            #expect(try ledger.head == 0)

            let first = try await ledger.append([.sample("a1"), .sample("a2"), .sample("a3")], to: "a", expecting: .noStream)
            #expect(first.outcome == Outcome(stream: "a", positions: [1, 2, 3], streamVersion: 3))
            let second = try await ledger.append([.sample("b1"), .sample("b2")], to: "b", expecting: .noStream)
            #expect(second.outcome == Outcome(stream: "b", positions: [4, 5], streamVersion: 2))
            let third = try await ledger.append([.sample("a4")], to: "a", expecting: .exact(3))
            #expect(third.outcome == Outcome(stream: "a", positions: [6], streamVersion: 4))

            #expect(try ledger.head == 6)
            #expect(try ledger.version(of: "a") == 4)
            #expect(try ledger.version(of: "b") == 2)
            let stored = try await ledger.allEvents()
            #expect(stored.map(\.position) == [1, 2, 3, 4, 5, 6])
            #expect(stored.map(\.id) == ["a1", "a2", "a3", "b1", "b2", "a4"])
            #expect(stored.map(\.streamVersion) == [1, 2, 3, 1, 2, 4])
            #expect(stored.map(\.stream) == ["a", "a", "a", "b", "b", "a"])
        }
    }

    @Test("every field of an appended event reads back as given")
    func fieldsRoundTrip() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let event = NewEvent(
                id: "evt-ü-1", type: "ConsentGiven", schemaVersion: 7,
                occurredAt: Timestamp(microsecondsSinceEpoch: -1_234_567),
                metadata: ["actor": "user-17", "correlation": "c-1", "ort": "Malmö", "": "empty key"],
                payload: [0, 1, 2, 255, 254, 0])
            try await ledger.append([.sample("before")], to: "other")
            let result = try await ledger.append([event], to: "participant-ø42")
            #expect(result.positions == [2])

            let stored = try #require(try ledger.event(at: 2))
            #expect(stored.id == event.id)
            #expect(stored.stream == "participant-ø42")
            #expect(stored.type == event.type)
            #expect(stored.schemaVersion == 7)
            #expect(stored.occurredAt == event.occurredAt)
            #expect(stored.metadata == event.metadata)
            #expect(stored.payload == event.payload)
            #expect(stored.position == 2)
            #expect(stored.streamVersion == 1)
            #expect(stored.hash != .zero)
            #expect(stored.hash != (try ledger.event(at: 1))?.hash)
            #expect(try ledger.event(withID: "evt-ü-1") == stored)
        }
    }

    @Test("an event with an empty payload and no metadata is stored")
    func emptyPayload() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let event = NewEvent(id: "empty", type: "Pinged", occurredAt: Timestamp(secondsSinceEpoch: 0), payload: [])
            try await ledger.append([event], to: "s")
            let stored = try #require(try ledger.event(withID: "empty"))
            #expect(stored.payload.isEmpty)
            #expect(stored.metadata.isEmpty)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("an append larger than one group commit is stored whole, its positions contiguous")
    func appendLargerThanAGroupCommit() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = .deferred }
            let count = 70_000
            async let small = ledger.append([.sample("small-1")], to: "small")
            let big = try await ledger.append((1 ... count).map { .sample("big-\($0)", payload: "") }, to: "big", expecting: .noStream)
            let smallResult = try await small
            let first = try #require(big.positions.first)
            #expect(big.positions == Array(first ..< first + UInt64(count)))
            #expect(big.streamVersion == UInt64(count))
            #expect(Set(smallResult.positions).isDisjoint(with: big.positions))
            #expect(try ledger.head == UInt64(count + 1))
            #expect(try ledger.verify().isIntact)
        }
    }

    // MARK: - Idempotent re-append

    @Test("re-appending the same ids with the same content returns the original positions and writes nothing")
    func idempotentReappend() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let events: [NewEvent] = [.sample("e1"), .sample("e2"), .sample("e3")]
            let original = try await ledger.append(events, to: "s", expecting: .noStream)
            try await ledger.append([.sample("x1")], to: "x")
            let before = try await ledger.allEvents()

            // A retry succeeds whatever it expects: it is a retry of an append that succeeded.
            for expectation: ExpectedVersion in [.noStream, .exact(0), .exact(99), .streamExists, .any] {
                let retry = try await ledger.append(events, to: "s", expecting: expectation)
                #expect(retry.positions == original.positions, "expecting \(expectation)")
                #expect(retry.streamVersion == 3, "expecting \(expectation)")
            }
            // A retry of part of the append, too.
            #expect(try await ledger.append([.sample("e2")], to: "s", expecting: .noStream).positions == [2])

            #expect(try ledger.head == 4)
            #expect(try ledger.version(of: "s") == 3)
            #expect(try await ledger.allEvents() == before)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("metadata given in another order is the same content")
    func metadataOrderDoesNotMatter() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            var forwards: [String: String] = [:]
            for key in ["a", "b", "c", "d", "e", "f", "g", "h"] { forwards[key] = "v-\(key)" }
            var backwards: [String: String] = [:]
            for key in ["h", "g", "f", "e", "d", "c", "b", "a"] { backwards[key] = "v-\(key)" }
            let result = try await ledger.append([.sample("m", metadata: forwards)], to: "s")
            let retry = try await ledger.append([.sample("m", metadata: backwards)], to: "s")
            #expect(retry.positions == result.positions)
            #expect(try ledger.head == 1)
        }
    }

    @Test("a retry mixed with new events keeps the old positions and appends the new ones")
    func mixedRetryAndNewEvents() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("e1"), .sample("e2")], to: "s")
            let result = try await ledger.append([.sample("e2"), .sample("e3")], to: "s", expecting: .exact(2))
            #expect(result.outcome == Outcome(stream: "s", positions: [2, 3], streamVersion: 3))
            #expect(try ledger.head == 3)

            // With new events in it, the append is checked against the stream's version.
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([.sample("e3"), .sample("e4")], to: "s", expecting: .exact(2))
            }
            #expect(error == .wrongExpectedVersion(stream: "s", expected: .exact(2), actual: 3))
            #expect(try ledger.event(withID: "e4") == nil)
            #expect(try ledger.head == 3)
        }
    }

    /// One way to change an event that keeps its id.
    enum ContentChange: String, CaseIterable, Sendable {
        case payload, type, schemaVersion, occurredAt, metadata, stream
    }

    @Test("the same id with other content is refused with eventIDConflict and nothing is written", arguments: ContentChange.allCases)
    func idConflict(change: ContentChange) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let original = NewEvent.sample("dup", metadata: ["actor": "a"])
            try await ledger.append([.sample("first")], to: "s")
            try await ledger.append([original], to: "s")
            let before = try await ledger.allEvents()

            var changed = original
            var stream = "s"
            switch change {
            case .payload: changed.payload.append(0x20)
            case .type: changed.type = "Other"
            case .schemaVersion: changed.schemaVersion += 1
            case .occurredAt: changed.occurredAt = Timestamp(rawValue: original.occurredAt.rawValue + 1)
            case .metadata: changed.metadata["actor"] = "b"
            case .stream: stream = "t"
            }
            // Alone, and together with a valid new event: neither is written.
            let alone = await #expect(throws: LedgerError.self) {
                try await ledger.append([changed], to: stream)
            }
            #expect(alone == .eventIDConflict(id: "dup", position: 2))
            let together = await #expect(throws: LedgerError.self) {
                try await ledger.append([.sample("fresh"), changed], to: stream)
            }
            #expect(together == .eventIDConflict(id: "dup", position: 2))

            #expect(try ledger.head == 2)
            #expect(try ledger.event(withID: "fresh") == nil)
            #expect(try ledger.version(of: "t") == 0)
            #expect(try await ledger.allEvents() == before)
        }
    }

    @Test("an id repeated with the same content inside one append is stored once")
    func duplicateInsideOneAppend() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let result = try await ledger.append([.sample("a"), .sample("b"), .sample("a")], to: "s", expecting: .noStream)
            #expect(result.outcome == Outcome(stream: "s", positions: [1, 2, 1], streamVersion: 2))
            #expect(try ledger.head == 2)
            #expect(try await ledger.events(in: "s").collect().map(\.id) == ["a", "b"])
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("an id repeated with other content inside one append is refused and nothing is written")
    func conflictingDuplicateInsideOneAppend() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([.sample("a"), .sample("b"), .sample("a", payload: "other")], to: "s")
            }
            guard case .invalidEvent(let index, _) = error else {
                Issue.record("expected invalidEvent, got \(String(describing: error))")
                return
            }
            #expect(index == 2)
            #expect(try ledger.head == 0)
            #expect(try ledger.version(of: "s") == 0)
        }
    }

    @Test("one id in two streams of one atomic append is refused and nothing is written")
    func duplicateAcrossStreamsOfOneAppend() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([
                    StreamAppend([.sample("a"), .sample("shared")], to: "s"),
                    StreamAppend([.sample("shared")], to: "t"),
                ])
            }
            guard case .invalidEvent(let index, _) = error else {
                Issue.record("expected invalidEvent, got \(String(describing: error))")
                return
            }
            #expect(index == 2)
            #expect(try ledger.head == 0)
            #expect(try ledger.version(of: "s") == 0)
            #expect(try ledger.version(of: "t") == 0)
        }
    }

    // MARK: - Expected versions

    struct Expectation: Sendable, CustomTestStringConvertible {
        /// Events in the stream before the append.
        var existing: Int
        var expected: ExpectedVersion
        var succeeds: Bool
        var testDescription: String { "\(expected) on a stream of \(existing) → \(succeeds ? "appends" : "refused")" }
    }

    static let expectations: [Expectation] = [
        .init(existing: 0, expected: .any, succeeds: true),
        .init(existing: 2, expected: .any, succeeds: true),
        .init(existing: 0, expected: .noStream, succeeds: true),
        .init(existing: 2, expected: .noStream, succeeds: false),
        .init(existing: 0, expected: .streamExists, succeeds: false),
        .init(existing: 1, expected: .streamExists, succeeds: true),
        .init(existing: 0, expected: .exact(0), succeeds: true),
        .init(existing: 0, expected: .exact(1), succeeds: false),
        .init(existing: 2, expected: .exact(2), succeeds: true),
        .init(existing: 2, expected: .exact(1), succeeds: false),
        .init(existing: 2, expected: .exact(3), succeeds: false),
        .init(existing: 2, expected: .exact(0), succeeds: false),
    ]

    @Test("expected versions: any, noStream, streamExists, exact; a failed expectation writes nothing", arguments: expectations)
    func expectedVersion(_ case: Expectation) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("elsewhere")], to: "other")
            if `case`.existing > 0 {
                try await ledger.append((0 ..< `case`.existing).map { .sample("old-\($0)") }, to: "s")
            }
            let head = try ledger.head

            if `case`.succeeds {
                let result = try await ledger.append([.sample("new")], to: "s", expecting: `case`.expected)
                #expect(result.outcome == Outcome(stream: "s", positions: [head + 1], streamVersion: UInt64(`case`.existing) + 1))
                #expect(try ledger.head == head + 1)
            } else {
                let error = await #expect(throws: LedgerError.self) {
                    try await ledger.append([.sample("new")], to: "s", expecting: `case`.expected)
                }
                #expect(error == .wrongExpectedVersion(stream: "s", expected: `case`.expected, actual: UInt64(`case`.existing)))
                #expect(try ledger.head == head)
                #expect(try ledger.version(of: "s") == UInt64(`case`.existing))
                #expect(try ledger.event(withID: "new") == nil)
            }
            #expect(try ledger.verify().isIntact)
        }
    }

    // MARK: - Atomic multi-stream appends

    @Test("an atomic append to several streams returns one result per stream, in order")
    func multiStreamAppend() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("b0")], to: "b")
            let results = try await ledger.append([
                StreamAppend([.sample("a1"), .sample("a2")], to: "a", expecting: .noStream),
                StreamAppend([.sample("b1")], to: "b", expecting: .exact(1)),
                StreamAppend([.sample("c1"), .sample("c2"), .sample("c3")], to: "c", expecting: .any),
            ])
            #expect(results.map(\.outcome) == [
                Outcome(stream: "a", positions: [2, 3], streamVersion: 2),
                Outcome(stream: "b", positions: [4], streamVersion: 2),
                Outcome(stream: "c", positions: [5, 6, 7], streamVersion: 3),
            ])
            #expect(try await ledger.events(in: "b").collect().map(\.id) == ["b0", "b1"])
            #expect(try ledger.statistics().streams == 3)
        }
    }

    @Test("if one stream's expectation fails, no stream of the atomic append gets events")
    func multiStreamAppendIsAtomic() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("b0"), .sample("b1")], to: "b")
            let before = try await ledger.allEvents()

            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([
                    StreamAppend([.sample("a1"), .sample("a2")], to: "a", expecting: .noStream),
                    StreamAppend([.sample("c1")], to: "c", expecting: .any),
                    StreamAppend([.sample("b2")], to: "b", expecting: .exact(1)),
                ])
            }
            #expect(error == .wrongExpectedVersion(stream: "b", expected: .exact(1), actual: 2))
            #expect(try ledger.head == 2)
            #expect(try ledger.version(of: "a") == 0)
            #expect(try ledger.version(of: "b") == 2)
            #expect(try ledger.version(of: "c") == 0)
            for id in ["a1", "a2", "c1", "b2"] { #expect(try ledger.event(withID: id) == nil) }
            #expect(try await ledger.allEvents() == before)

            // The same append with the right expectation then succeeds from the same head.
            let results = try await ledger.append([
                StreamAppend([.sample("a1"), .sample("a2")], to: "a", expecting: .noStream),
                StreamAppend([.sample("c1")], to: "c", expecting: .any),
                StreamAppend([.sample("b2")], to: "b", expecting: .exact(2)),
            ])
            #expect(results.map(\.positions) == [[3, 4], [5], [6]])
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("if an event id conflicts in one stream, no stream of the atomic append gets events")
    func multiStreamAppendConflictIsAtomic() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("taken")], to: "b")
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([
                    StreamAppend([.sample("a1")], to: "a"),
                    StreamAppend([.sample("taken", payload: "other")], to: "b"),
                ])
            }
            #expect(error == .eventIDConflict(id: "taken", position: 1))
            #expect(try ledger.head == 1)
            #expect(try ledger.version(of: "a") == 0)
        }
    }
}

/// The fields of an ``AppendResult``, comparable with a literal (its initializer is internal).
private struct Outcome: Equatable, CustomStringConvertible {
    var stream: String
    var positions: [UInt64]
    var streamVersion: UInt64
    var description: String { "\(stream) \(positions) v\(streamVersion)" }
}

extension AppendResult {
    fileprivate var outcome: Outcome { Outcome(stream: stream, positions: positions, streamVersion: streamVersion) }
}

import Ledger
import Testing

@Suite("Bad arguments: each is refused with its own error and writes nothing")
struct ArgumentErrorTests {
    /// The maximum event size of the ledgers in this suite.
    static let maximumEventSize = 1_024

    /// One way an append can break a limit.
    enum BadAppend: String, CaseIterable, Sendable {
        case emptyStream, longStream, longMultibyteStream, streamWithNUL
        case emptyID, longID, longMultibyteID
        case emptyType, longType, tooManyMetadataEntries, oversizedEvent

        /// The appends, with a valid event before the bad one so that a partial write would show.
        var appends: [StreamAppend] {
            let good = NewEvent.sample("good")
            func bad(_ change: (inout NewEvent) -> Void) -> [StreamAppend] {
                var event = NewEvent.sample("bad")
                change(&event)
                return [StreamAppend([good, event], to: "s")]
            }
            switch self {
            case .emptyStream: return [StreamAppend([good], to: "")]
            case .longStream: return [StreamAppend([good], to: String(repeating: "s", count: LedgerLimits.maximumStreamNameLength + 1))]
            case .longMultibyteStream:
                // 129 two-byte characters: 258 bytes of UTF-8, though only 129 characters.
                return [StreamAppend([good], to: String(repeating: "é", count: LedgerLimits.maximumStreamNameLength / 2 + 1))]
            case .streamWithNUL: return [StreamAppend([good], to: "patient\u{0}1")]
            case .emptyID: return bad { $0.id = "" }
            case .longID: return bad { $0.id = String(repeating: "i", count: LedgerLimits.maximumEventIDLength + 1) }
            case .longMultibyteID: return bad { $0.id = String(repeating: "ø", count: LedgerLimits.maximumEventIDLength / 2 + 1) }
            case .emptyType: return bad { $0.type = "" }
            case .longType: return bad { $0.type = String(repeating: "T", count: LedgerLimits.maximumTypeLength + 1) }
            case .tooManyMetadataEntries:
                return bad { event in
                    for index in 0 ... LedgerLimits.maximumMetadataEntries { event.metadata["k\(index)"] = "v" }
                }
            case .oversizedEvent: return bad { $0.payload = Array(repeating: 0x41, count: ArgumentErrorTests.maximumEventSize) }
            }
        }

        /// Whether `error` is the specific error for this bad argument.
        func matches(_ error: LedgerError) -> Bool {
            switch (self, error) {
            case (.emptyStream, .invalidStream(let reason)): reason.contains("empty")
            case (.longStream, .invalidStream(let reason)), (.longMultibyteStream, .invalidStream(let reason)):
                reason.contains("\(LedgerLimits.maximumStreamNameLength)")
            case (.streamWithNUL, .invalidStream(let reason)): reason.contains("NUL")
            case (.emptyID, .invalidEvent(1, let reason)), (.emptyType, .invalidEvent(1, let reason)): reason.contains("empty")
            case (.longID, .invalidEvent(1, let reason)), (.longMultibyteID, .invalidEvent(1, let reason)):
                reason.contains("\(LedgerLimits.maximumEventIDLength)")
            case (.longType, .invalidEvent(1, let reason)): reason.contains("\(LedgerLimits.maximumTypeLength)")
            case (.tooManyMetadataEntries, .invalidEvent(1, let reason)): reason.contains("\(LedgerLimits.maximumMetadataEntries)")
            case (.oversizedEvent, .invalidEvent(1, let reason)): reason.contains("\(ArgumentErrorTests.maximumEventSize)")
            default: false
            }
        }
    }

    @Test("a bad argument throws its specific LedgerError and writes nothing", arguments: BadAppend.allCases)
    func badArgument(_ bad: BadAppend) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.limits = LedgerLimits(maximumEventSize: Self.maximumEventSize) }
            try await ledger.append([.sample("before-1"), .sample("before-2")], to: "s")
            let before = try await ledger.allEvents()

            let error = await #expect(throws: LedgerError.self) { try await ledger.append(bad.appends) }
            if let error { #expect(bad.matches(error), "\(bad): \(error)") }
            // Through the single-stream call too, where it applies.
            if bad.appends.count == 1 {
                let single = bad.appends[0]
                let again = await #expect(throws: LedgerError.self) {
                    try await ledger.append(single.events, to: single.stream, expecting: single.expected)
                }
                #expect(again == error)
            }

            #expect(try ledger.head == 2)
            #expect(try ledger.version(of: "s") == 2)
            #expect(try ledger.version(of: "t") == 0)
            #expect(try ledger.event(withID: "good") == nil)
            #expect(try ledger.event(withID: "other") == nil)
            #expect(try await ledger.allEvents() == before)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("invalidEvent counts events across the streams of an atomic append")
    func invalidEventIndexAcrossStreams() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([
                    StreamAppend([.sample("a1"), .sample("a2"), .sample("a3")], to: "a"),
                    StreamAppend([.sample("b1"), .sample("b2"), NewEvent.sample("b3", type: "")], to: "b"),
                ])
            }
            guard case .invalidEvent(let index, _) = error else {
                Issue.record("expected invalidEvent, got \(String(describing: error))")
                return
            }
            #expect(index == 5)
            #expect(try ledger.head == 0)
        }
    }

    @Test("values exactly at each limit are accepted")
    func limitsAreInclusive() async throws {
        try await TemporaryStore.with { store in
            // Large enough for the longest names and most metadata entries together (1237 bytes).
            let maximum = 2_048
            let ledger = try store.open { $0.limits = LedgerLimits(maximumEventSize: maximum) }
            let stream = String(repeating: "é", count: LedgerLimits.maximumStreamNameLength / 2)
            let id = String(repeating: "i", count: LedgerLimits.maximumEventIDLength)
            let type = String(repeating: "T", count: LedgerLimits.maximumTypeLength)
            var metadata: [String: String] = [:]
            for index in 0 ..< LedgerLimits.maximumMetadataEntries { metadata["k\(index)"] = "v" }
            try await ledger.append([NewEvent(id: id, type: type, occurredAt: Timestamp(rawValue: 0), metadata: metadata, payload: [])], to: stream)

            // An event of exactly the maximum size: header and hash (96 bytes), id, stream, type,
            // metadata (2 + 2 length bytes per pair) and payload.
            let small = NewEvent(id: "x", type: "T", occurredAt: Timestamp(rawValue: 0), metadata: ["k": "vv"], payload: [])
            let fixed = 96 + 1 + 1 + 1 + (4 + 1 + 2)
            var exact = small
            exact.payload = Array(repeating: 0x42, count: maximum - fixed)
            try await ledger.append([exact], to: "s")
            var over = exact
            over.id = "y"
            over.payload.append(0x42)
            let error = await #expect(throws: LedgerError.self) { try await ledger.append([over], to: "s") }
            guard case .invalidEvent(0, _) = error else {
                Issue.record("expected invalidEvent at index 0, got \(String(describing: error))")
                return
            }

            #expect(try ledger.head == 2)
            let stored = try #require(try ledger.event(at: 1))
            #expect(stored.stream == stream)
            #expect(stored.id == id)
            #expect(stored.type == type)
            #expect(stored.metadata == metadata)
            #expect(try ledger.event(withID: "x")?.payload.count == maximum - fixed)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("error descriptions never repeat an event's payload or metadata values")
    func errorsKeepContentsPrivate() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.limits = LedgerLimits(maximumEventSize: Self.maximumEventSize) }
            let secret = "SECRET-HEALTH-DATA"
            let original = NewEvent.sample("e1", payload: "{\"diagnosis\":\"\(secret)-1\"}", metadata: ["patient": "\(secret)-2"])
            try await ledger.append([original], to: "s")

            var conflicting = original
            conflicting.payload = Array("{\"diagnosis\":\"\(secret)-3\"}".utf8)
            var oversized = NewEvent.sample("e2", payload: secret + String(repeating: "x", count: Self.maximumEventSize), metadata: ["patient": secret])
            oversized.type = "Diagnosed"
            var errors: [LedgerError] = []
            for attempt in [[conflicting], [oversized]] {
                do {
                    try await ledger.append(attempt, to: "s", expecting: .exact(9))
                    Issue.record("append succeeded")
                } catch let error as LedgerError {
                    errors.append(error)
                }
            }
            #expect(errors.count == 2)
            for error in errors {
                #expect(!"\(error)".contains(secret), "\(error)")
                #expect(!String(reflecting: error).contains(secret))
            }
        }
    }
}

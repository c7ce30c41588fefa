import Foundation
@testable import Ledger
import Testing

/// The on-disk format, pinned by a store checked into `Fixtures/ledger-v1/`: today's code must
/// read yesterday's files, field for field and byte for byte.
///
/// `data.mdb` there was written by ``writeFixture()`` (run it with
/// `CARELEDGER_WRITE_FIXTURES=1 swift test --filter FormatFixtureTests`), which also wrote
/// `expected.json`: every event's fields as appended plus what the ledger assigned (position,
/// stream version, recordedAt, hash) and the record's bytes. Regenerate only for a deliberate
/// format change, together with a new format version.
@Suite("Format fixture: a store written by an earlier build reads back identically", .serialized)
struct FormatFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LedgerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the package
        .appendingPathComponent("Fixtures/ledger-v1")

    // MARK: - The generator (off unless asked for)

    @Test(
        "write the fixture store and its expected values (CARELEDGER_WRITE_FIXTURES=1)",
        .enabled(if: ProcessInfo.processInfo.environment["CARELEDGER_WRITE_FIXTURES"] == "1"))
    func writeFixture() async throws {
        try await TemporaryStore.with { store in
            // The fixture pins store format 1, which new stores no longer get by default.
            var ledger: Ledger? = try store.open { $0.newStoreFormat = 1 }
            for step in FixtureScript.steps {
                let results = try await ledger!.append(step.appends)
                if let retryOf = step.retryOf {
                    #expect(results[0].positions == retryOf, "a retry keeps the original positions")
                }
            }
            let events = try await ledger!.allEvents()
            #expect(events.count == FixtureScript.eventCount)
            #expect(try ledger!.verify().isIntact)
            var records: [UInt64: String] = [:]
            try ledger!.forEachRecord { record in
                records[record.position] = hex(record.bytes)
                return true
            }
            var streams: [String: UInt64] = [:]
            for event in events { streams[event.stream] = event.streamVersion }
            let expected = FixtureExpectation(
                formatVersion: 1, head: try ledger!.head, headHash: "\(try ledger!.verify().headHash)", streams: streams,
                events: try events.map { event in
                    FixtureExpectation.Event(
                        position: event.position, id: event.id, stream: event.stream, type: event.type,
                        schemaVersion: event.schemaVersion, streamVersion: event.streamVersion,
                        occurredAt: event.occurredAt.rawValue, recordedAt: event.recordedAt.rawValue,
                        metadata: event.metadata,
                        payload: try #require(String(validating: event.payload, as: UTF8.self)),
                        hash: "\(event.hash)", record: try #require(records[event.position]))
                })
            ledger!.close()
            ledger = nil

            let manager = FileManager.default
            try manager.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            let data = Self.directory.appendingPathComponent("data.mdb")
            if manager.fileExists(atPath: data.path) { try manager.removeItem(at: data) }
            try manager.copyItem(atPath: store.path + "/data.mdb", toPath: data.path)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(expected) + Data("\n".utf8)).write(to: Self.directory.appendingPathComponent("expected.json"))
        }
    }

    // MARK: - The checks

    static func loadExpectation() throws -> FixtureExpectation {
        let json = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(FixtureExpectation.self, from: json)
    }

    /// Opens a copy of the fixture store (never the checked-in file itself).
    static func openCopy(_ store: TemporaryStore) throws -> Ledger {
        try store.open(at: try store.copyStore(from: directory.path, to: "fixture"))
    }

    @Test("every event of the fixture reads back with the expected fields and hash")
    func fieldsAndHashes() async throws {
        let expected = try Self.loadExpectation()
        try #require(expected.events.count == FixtureScript.eventCount)
        try await TemporaryStore.with { store in
            let ledger = try Self.openCopy(store)
            #expect(try ledger.head == expected.head)
            let statistics = try ledger.statistics()
            #expect(statistics.events == expected.head)
            #expect(statistics.streams == expected.streams.count)

            let events = try await ledger.allEvents()
            try #require(events.count == expected.events.count)
            for (event, want) in zip(events, expected.events) {
                #expect(event.position == want.position)
                #expect(event.id == want.id)
                #expect(event.stream == want.stream)
                #expect(event.type == want.type)
                #expect(event.schemaVersion == want.schemaVersion)
                #expect(event.streamVersion == want.streamVersion)
                #expect(event.occurredAt.rawValue == want.occurredAt)
                #expect(event.recordedAt.rawValue == want.recordedAt)
                #expect(event.metadata == want.metadata)
                #expect(event.payload == Array(want.payload.utf8))
                #expect("\(event.hash)" == want.hash)
                #expect(try ledger.event(withID: want.id) == event)
                #expect(try ledger.event(at: want.position) == event)
            }
            for (stream, version) in expected.streams {
                #expect(try ledger.version(of: stream) == version)
                let ids = try await ledger.events(in: stream).collect().map(\.id)
                #expect(ids == expected.events.filter { $0.stream == stream }.map(\.id))
            }

            let report = try ledger.verify()
            #expect(report.isIntact, "\(report)")
            #expect(report.head == expected.head)
            #expect("\(report.headHash)" == expected.headHash)
            #expect(report.streams == expected.streams.count)
        }
    }

    @Test("the fixture's inputs match the script that wrote it")
    func inputsMatchTheScript() throws {
        let expected = try Self.loadExpectation()
        let appended = FixtureScript.steps.filter { $0.retryOf == nil }.flatMap { step in
            step.appends.flatMap { append in append.events.map { (append.stream, $0) } }
        }
        try #require(appended.count == expected.events.count)
        for ((stream, event), want) in zip(appended, expected.events) {
            #expect(want.stream == stream)
            #expect(want.id == event.id)
            #expect(want.type == event.type)
            #expect(want.schemaVersion == event.schemaVersion)
            #expect(want.occurredAt == event.occurredAt.rawValue)
            #expect(want.metadata == event.metadata)
            #expect(Array(want.payload.utf8) == event.payload)
        }
    }

    @Test("the stored records follow the documented byte layout and hash chain")
    func recordLayoutAndChain() async throws {
        let expected = try Self.loadExpectation()
        try await TemporaryStore.with { store in
            let ledger = try Self.openCopy(store)
            var previousHash = [UInt8](repeating: 0, count: 32)
            var index = 0
            try ledger.forEachRecord { record in
                let bytes = Array(record.bytes)
                guard index < expected.events.count else {
                    Issue.record("more records than expected")
                    return false
                }
                let want = expected.events[index]
                index += 1
                #expect(hex(record.bytes) == want.record, "record \(want.position) is byte for byte as written")
                Self.checkLayout(bytes, against: want)

                // hash = SHA-256(previous hash ‖ every byte before the hash)
                let hash = Array(bytes.suffix(32))
                #expect(SHA256Reference.hash(previousHash + bytes.dropLast(32)) == hash, "chain at \(want.position)")
                #expect(hex(hash) == want.hash)
                previousHash = hash
                return true
            }
            #expect(index == expected.events.count)
            #expect(hex(previousHash) == expected.headHash)
        }
    }

    /// Parses `bytes` by the record layout of format 1, independently of the library.
    static func checkLayout(_ bytes: [UInt8], against want: FixtureExpectation.Event, sourceLocation: SourceLocation = #_sourceLocation) {
        func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            var value: T = 0
            for byte in bytes[offset ..< offset + MemoryLayout<T>.size].reversed() { value = value << 8 | T(byte) }
            return value
        }
        let id = Array(want.id.utf8), stream = Array(want.stream.utf8), type = Array(want.type.utf8)
        let payload = Array(want.payload.utf8)
        var metadata: [UInt8] = []
        for key in want.metadata.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let value = Array(want.metadata[key]!.utf8)
            metadata += [UInt8(key.utf8.count & 0xFF), UInt8(key.utf8.count >> 8)] + Array(key.utf8)
            metadata += [UInt8(value.count & 0xFF), UInt8(value.count >> 8)] + value
        }
        #expect(bytes[0] == 1, "record format", sourceLocation: sourceLocation)
        #expect(bytes[1] == 0, "flags", sourceLocation: sourceLocation)
        #expect(integer(2, UInt16.self) == want.schemaVersion, sourceLocation: sourceLocation)
        #expect(integer(4, UInt16.self) == UInt16(id.count), sourceLocation: sourceLocation)
        #expect(integer(6, UInt16.self) == UInt16(stream.count), sourceLocation: sourceLocation)
        #expect(integer(8, UInt64.self) == fnv1a(type), "type tag", sourceLocation: sourceLocation)
        #expect(integer(16, UInt64.self) == want.position, sourceLocation: sourceLocation)
        #expect(integer(24, UInt64.self) == want.streamVersion, sourceLocation: sourceLocation)
        #expect(integer(32, Int64.self) == want.recordedAt, sourceLocation: sourceLocation)
        #expect(integer(40, Int64.self) == want.occurredAt, sourceLocation: sourceLocation)
        #expect(integer(48, UInt16.self) == UInt16(type.count), sourceLocation: sourceLocation)
        #expect(integer(50, UInt16.self) == UInt16(want.metadata.count), sourceLocation: sourceLocation)
        #expect(integer(52, UInt32.self) == UInt32(metadata.count), sourceLocation: sourceLocation)
        #expect(integer(56, UInt32.self) == UInt32(payload.count), sourceLocation: sourceLocation)
        #expect(integer(60, UInt32.self) == 0, "reserved", sourceLocation: sourceLocation)
        let body = id + stream + type + metadata + payload
        #expect(bytes.count == 64 + body.count + 32, sourceLocation: sourceLocation)
        #expect(Array(bytes.dropFirst(64).dropLast(32)) == body, "id, stream, type, metadata, payload in order", sourceLocation: sourceLocation)
    }

    @Test("today's code appends onto the fixture: the chain continues and retries of its events are recognised")
    func appendOntoFixture() async throws {
        let expected = try Self.loadExpectation()
        try await TemporaryStore.with { store in
            let ledger = try Self.openCopy(store)
            let head = expected.head

            // Re-encoding every fixture event today gives the stored content: a retry is a no-op.
            for want in expected.events {
                let event = NewEvent(
                    id: want.id, type: want.type, schemaVersion: want.schemaVersion,
                    occurredAt: Timestamp(rawValue: want.occurredAt), metadata: want.metadata, payload: Array(want.payload.utf8))
                let retry = try await ledger.append([event], to: want.stream, expecting: .noStream)
                #expect(retry.positions == [want.position], "\(want.id)")
            }
            let first = try #require(expected.events.first)
            let changed = NewEvent(id: first.id, type: first.type, occurredAt: Timestamp(rawValue: first.occurredAt + 1), metadata: first.metadata, payload: Array(first.payload.utf8))
            let error = await #expect(throws: LedgerError.self) { try await ledger.append([changed], to: first.stream) }
            #expect(error == .eventIDConflict(id: first.id, position: first.position))
            #expect(try ledger.head == head)

            let stream = try #require(expected.streams.first)
            let result = try await ledger.append([.sample("after-fixture")], to: stream.key, expecting: .exact(stream.value))
            #expect(result.positions == [head + 1])
            #expect(result.streamVersion == stream.value + 1)
            let report = try ledger.verify()
            #expect(report.isIntact, "\(report)")
            #expect(report.head == head + 1)

            // The new record chains onto the fixture's head hash.
            var chained = false
            try ledger.forEachRecord(from: head + 1) { record in
                let previous = Self.bytes(fromHex: expected.headHash)
                chained = SHA256Reference.hash(previous + Array(record.canonicalBytes)) == Array(record.bytes.suffix(32))
                return true
            }
            #expect(chained)
        }
    }

    @Test("the reference SHA-256 used above matches the standard test vectors")
    func referenceSHA256() {
        #expect(hex(SHA256Reference.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256Reference.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex(SHA256Reference.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(fnv1a(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(EventTypeTag("IdeaSubmitted").rawValue == fnv1a(Array("IdeaSubmitted".utf8)))
    }

    static func bytes(fromHex text: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            func value(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
            result.append(value(high) << 4 | value(low))
        }
        return result
    }
}

// MARK: - The fixture's contents

/// What `expected.json` holds.
struct FixtureExpectation: Codable {
    struct Event: Codable {
        var position: UInt64
        var id: String
        var stream: String
        var type: String
        var schemaVersion: UInt16
        var streamVersion: UInt64
        /// Microseconds since the Unix epoch.
        var occurredAt: Int64
        /// Microseconds since the Unix epoch, as assigned when the fixture was written.
        var recordedAt: Int64
        var metadata: [String: String]
        /// The payload as UTF-8 text.
        var payload: String
        /// The record's hash, lowercase hex.
        var hash: String
        /// The whole stored record, lowercase hex.
        var record: String
    }

    /// The record format version.
    var formatVersion: Int
    var head: UInt64
    var headHash: String
    /// Each stream's version.
    var streams: [String: UInt64]
    var events: [Event]
}

/// The appends that wrote the fixture: 20 events in 3 streams, with metadata, an atomic
/// multi-stream append, an idempotent retry, an empty payload, occurredAt out of order and
/// before 1970, non-ASCII names, and several schema versions.
enum FixtureScript {
    struct Step {
        var appends: [StreamAppend]
        /// For a retry: the positions the retried events already have.
        var retryOf: [UInt64]?
    }

    static let eventCount = 20
    /// 2025-03-01T08:00:00Z.
    static let base: Int64 = 1_740_816_000

    static func at(minutes: Int64, micros: Int64 = 0) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: (base + minutes * 60) * 1_000_000 + micros)
    }

    static func event(
        _ id: String, _ type: String, schema: UInt16 = 1, _ occurredAt: Timestamp,
        _ metadata: [String: String] = [:], _ payload: String
    ) -> NewEvent {
        NewEvent(id: id, type: type, schemaVersion: schema, occurredAt: occurredAt, metadata: metadata, payload: Array(payload.utf8))
    }

    static let challenge = "challenge-c7"
    static let participant = "participant-ø42"
    static let programme = "programme-experio"

    static let c7First = [
        event("c7-1", "ChallengeOpened", at(minutes: 10), ["actor": "coordinator-3", "correlation": "corr-c7"],
              #"{"title":"Shorter waits at the walk-in clinic"}"#),
        event("c7-2", "IdeaSubmitted", at(minutes: 55), ["actor": "participant-42", "causation": "c7-1", "correlation": "corr-c7"],
              #"{"idea":"SMS queue numbers"}"#),
        event("c7-3", "IdeaSubmitted", schema: 2, at(minutes: 61), ["actor": "nurse-11", "correlation": "corr-c7"],
              #"{"idea":"Evening hours","votes":0}"#),
    ]

    static let steps: [Step] = [
        Step(appends: [StreamAppend([
            event("p-1", "ProgrammeStarted", at(minutes: 0), ["actor": "coordinator-3", "source": "experio-lab"],
                  #"{"name":"Experio Lab 2025","region":"SE"}"#),
        ], to: programme, expecting: .noStream)]),
        Step(appends: [StreamAppend(c7First, to: challenge, expecting: .noStream)]),
        Step(appends: [
            StreamAppend([
                event("ø42-1", "ParticipantJoined", at(minutes: 70), ["actor": "participant-42", "språk": "sv"], #"{"alias":"Åsa"}"#),
            ], to: participant, expecting: .noStream),
            StreamAppend([
                event("p-2", "ParticipantAdmitted", at(minutes: 71), ["actor": "coordinator-3"], #"{"participant":"participant-ø42"}"#),
            ], to: programme, expecting: .exact(1)),
        ]),
        Step(appends: [StreamAppend([
            // occurredAt before the previous event's: it need not increase along the log.
            event("c7-4", "FeedbackGiven", at(minutes: 30), ["actor": "participant-42"], #"{"on":"c7-2","text":"Piloting in May"}"#),
            event("c7-5", "VoteCast", at(minutes: 90), [:], ""),
        ], to: challenge, expecting: .exact(3))]),
        Step(appends: [StreamAppend([
            event("ø42-2", "ConsentGiven", at(minutes: 95, micros: 123_456), ["actor": "participant-42", "legal-basis": "GDPR 9(2)(a)"],
                  #"{"scope":"research","withdrawable":true}"#),
        ], to: participant, expecting: .exact(1))]),
        // A retry of events already stored: no new record.
        Step(appends: [StreamAppend(Array(c7First[0 ..< 2]), to: challenge, expecting: .noStream)], retryOf: [2, 3]),
        Step(appends: [StreamAppend([
            event("c7-6", "IdeaSubmitted", at(minutes: 120), ["actor": "nurse-11"], #"{"idea":"Video triage"}"#),
            event("c7-7", "VoteCast", at(minutes: 121), ["actor": "participant-42"], #"{"idea":"c7-6","vote":1}"#),
            event("c7-8", "VoteCast", at(minutes: 122), ["actor": "nurse-11"], #"{"idea":"c7-2","vote":1}"#),
            event("c7-9", "FeedbackGiven", schema: 2, at(minutes: 130), ["actor": "coordinator-3", "correlation": "corr-c7"],
                  #"{"on":"c7-6","text":"Needs a data protection review","tags":["gdpr","pilot"]}"#),
            event("c7-10", "IdeaShortlisted", at(minutes: 140), ["actor": "coordinator-3"], #"{"ideas":["c7-2","c7-6"]}"#),
        ], to: challenge, expecting: .exact(5))]),
        Step(appends: [StreamAppend([
            event("p-3", "ReportPublished", at(minutes: 200), ["actor": "analyst-2", "source": "experio-lab"],
                  #"{"summary":""# + String(repeating: "Waiting times fell in the pilot weeks. ", count: 12) + #""}"#),
        ], to: programme, expecting: .streamExists)]),
        Step(appends: [
            StreamAppend([
                event("c7-11", "ChallengeClosed", at(minutes: 300), ["actor": "coordinator-3", "correlation": "corr-c7"], #"{"outcome":"piloted"}"#),
            ], to: challenge, expecting: .exact(10)),
            StreamAppend([
                // Before 1970: a negative timestamp.
                event("ø42-3", "HistoricalNoteImported", schema: 3, Timestamp(microsecondsSinceEpoch: -86_400_000_000 - 7),
                      ["actor": "import-job", "source": "careware-no"], #"{"note":"Imported from the 1969 archive"}"#),
            ], to: participant, expecting: .exact(2)),
        ]),
        Step(appends: [StreamAppend([
            event("p-4", "ProgrammeClosed", at(minutes: 400), ["actor": "coordinator-3"], #"{"participants":1}"#),
        ], to: programme, expecting: .exact(3))]),
        Step(appends: [StreamAppend([
            event("ø42-4", "ConsentWithdrawn", at(minutes: 500), ["actor": "participant-42"], #"{"scope":"research"}"#),
            event("ø42-5", "ParticipantLeft", at(minutes: 501), ["actor": "participant-42", "reason": "moved — flyttat"], "{}"),
        ], to: participant, expecting: .exact(3))]),
    ]
}

// MARK: - Independent reference implementations

/// Lowercase hex of `bytes`.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// FNV-1a, 64 bits: the documented event type tag.
func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return hash
}

/// SHA-256 (FIPS 180-4), written out here so the format test does not trust the library's
/// own hashing: an auditor can recompute the chain with any SHA-256.
enum SHA256Reference {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bits = UInt64(message.count) * 8
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }

        func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
        var w = [UInt32](repeating: 0, count: 64)
        for block in stride(from: 0, to: data.count, by: 64) {
            for i in 0 ..< 16 {
                let j = block + 4 * i
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16 ..< 64 {
                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0 ..< 64 {
                let t1 = hh &+ (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, value) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] &+= value }
        }
        return h.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
    }
}

import Crypto
import Foundation
@testable import Ledger
import Testing

/// Store format 2: records link to their stream's previous event, `streams` keeps every 32nd
/// version, and durable commits put new ids into a small second tier that moves into the id
/// index in bulk. Format 1 stores keep working in their own layout.
@Suite("Store format 2: chained streams, sparse stream index, two id tiers")
struct StoreFormat2Tests {
    /// Appends `counts` events per stream in commits of varying sizes, streams interleaved,
    /// and returns each stream's events as appended (position order).
    private func fill(_ ledger: Ledger, counts: [String: Int]) async throws -> [String: [UInt64]] {
        var written = counts.mapValues { _ in 0 }
        var positions: [String: [UInt64]] = counts.mapValues { _ in [] }
        let sizes = [1, 5, 31, 33, 2, 64, 7, 1, 40]
        var step = 0
        while written.contains(where: { $0.value < counts[$0.key]! }) {
            for stream in counts.keys.sorted() where written[stream]! < counts[stream]! {
                let size = min(sizes[step % sizes.count], counts[stream]! - written[stream]!)
                step += 1
                let events = (0 ..< size).map { NewEvent.sample("\(stream)-\(written[stream]! + $0 + 1)") }
                let result = try await ledger.append(events, to: stream, expecting: .exact(UInt64(written[stream]!)))
                positions[stream]! += result.positions
                written[stream]! += size
            }
        }
        return positions
    }

    @Test("a stream reads forwards and backwards from every version, in chunks of any size, across many commits")
    func chainedReads() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = .deferred }
            #expect(ledger.layout.format == 2)
            let counts = ["alpha": 150, "beta": 70, "gamma": 5, "delta": 32]
            let positions = try await fill(ledger, counts: counts)
            for (stream, expected) in positions {
                let name = Array(stream.utf8)
                let n = UInt64(expected.count)
                for version in 0 ... n + 1 {
                    let forwards = expected.dropFirst(Int(max(version, 1) - 1))
                    let backwards = expected.prefix(Int(min(version, n))).reversed()
                    for limit in [1, 7, 32, 256] {
                        let read = try ledger.readStream(name, from: version, direction: .forwards, limit: limit)
                        #expect(read.map(\.position) == Array(forwards.prefix(limit)), "\(stream) forwards from \(version), limit \(limit)")
                        let back = try ledger.readStream(name, from: version, direction: .backwards, limit: limit)
                        #expect(back.map(\.position) == Array(backwards.prefix(limit)), "\(stream) backwards from \(version), limit \(limit)")
                    }
                }
                #expect(try await ledger.events(in: stream).collect().map(\.position) == expected)
                #expect(try await ledger.events(in: stream, direction: .backwards).collect().map(\.position) == expected.reversed())
                #expect(try await ledger.events(in: stream, from: 33).collect().map(\.streamVersion) == (n >= 33 ? Array(33 ... n) : []))
            }
            // Each record names its stream's previous event; the index holds every 32nd version.
            var previous: [String: UInt64] = [:]
            try ledger.forEachRecord { record in
                #expect(record.recordFormat == 2)
                #expect(record.previousPositionInStream == previous[record.stream] ?? 0)
                previous[record.stream] = record.position
                return true
            }
            let checkpoints = try ledger.read { try $0.count(ledger.layout.streams) }
            #expect(checkpoints == counts.values.reduce(0) { $0 + $1 / 32 })
            #expect(try ledger.verify().isIntact)
        }
    }

    /// The durable part of ``idTiers()``: 110 commits of 10 events, retries and a conflict.
    private func durableAppends(_ store: TemporaryStore) async throws {
        let ledger = try store.open()
        let recent = try #require(ledger.layout.recentIDs)
        func counts() throws -> (recent: Int, ids: Int) {
            try ledger.read { (try $0.count(recent), try $0.count(ledger.layout.ids)) }
        }
        var first: AppendResult?
        for batch in 0 ..< 110 {
            let result = try await ledger.append((0 ..< 10).map { .sample("id-\(batch)-\($0)") }, to: "s\(batch % 3)")
            if batch == 0 { first = result }
            if batch == 101 { #expect(try counts() == (1020, 0)) }
        }
        // The 103rd commit brought the tier to 1030 entries and moved them.
        #expect(try counts() == (70, 1030))
        #expect(try ledger.event(withID: "id-0-3")?.position == first?.positions[3])
        #expect(try ledger.event(withID: "id-109-9")?.position == 1100)
        // A retry of a moved id and of a recent id is a no-op; other content is a conflict.
        let retry = try await ledger.append([.sample("id-0-3")], to: "s0", expecting: .exact(0))
        #expect(retry.positions == [first!.positions[3]])
        let recentRetry = try await ledger.append([.sample("id-109-9")], to: "s1")
        #expect(recentRetry.positions == [1100])
        await #expect(throws: LedgerError.eventIDConflict(id: "id-0-3", position: first!.positions[3])) {
            try await ledger.append([.sample("id-0-3", payload: "other")], to: "s0")
        }
        ledger.close()
    }

    @Test("durable commits put ids into the small tier, which moves into the id index at its limit; both are found")
    func idTiers() async throws {
        try await TemporaryStore.with { store in
            try await durableAppends(store)
            // A deferred commit (or a large group) writes into the id index, checking the tier.
            let deferred = try store.open { $0.durability = .deferred }
            await #expect(throws: LedgerError.eventIDConflict(id: "id-109-9", position: 1100)) {
                try await deferred.append([.sample("id-109-9", payload: "other")], to: "s0")
            }
            try await deferred.append((0 ..< 1500).map { .sample("big-\($0)") }, to: "big")
            #expect(try deferred.event(withID: "big-1499")?.streamVersion == 1500)
            #expect(try deferred.verify().isIntact)
            #expect(try deferred.head == 2600)
        }
    }

    @Test("verify names the record whose link to its stream's previous event is wrong")
    func brokenChain() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            for (id, stream) in [("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b")] {
                try await ledger.append([.sample(id)], to: stream)
            }
            // Rewrite the head record (b2, position 4) to name position 3 (a2) as its
            // predecessor, re-hashed so that only the link is wrong.
            let previousHash = try #require(try ledger.event(at: 3)).hash
            let transaction = try ledger.environment.beginWrite()
            let stored = try #require(try transaction.transaction.get(ledger.layout.log, position: 4))
            var bytes = Array(stored)
            let link = bytes.count - 40
            #expect(bytes[link ..< link + 8].elementsEqual([2, 0, 0, 0, 0, 0, 0, 0]))
            bytes[link] = 3
            let hash = bytes.withUnsafeBytes { HashChain.hash(after: previousHash, canonical: UnsafeRawBufferPointer(rebasing: $0[0 ..< $0.count - 32])) }
            hash.withUnsafeBytes { digest in bytes.replaceSubrange(bytes.count - 32 ..< bytes.count, with: digest) }
            try withBigEndianBytes(of: 4) { key in try bytes.withUnsafeBytes { try transaction.put(ledger.layout.log, key, $0) } }
            try hash.withUnsafeBytes { value in
                try StoreLayout.MetaKey.headHash.withUnsafeBytes { try transaction.put(ledger.layout.meta, $0, value) }
            }
            try transaction.commit()

            let report = try ledger.verify()
            #expect(report.problem == VerificationProblem(position: 4, kind: .streamChainMismatch(expected: 2, found: 3)))
            await #expect(throws: LedgerError.self) { try await ledger.events(in: "b", direction: .backwards).collect() }
        }
    }

    @Test("a store created in format 1 keeps format 1: records, a dense stream index, one id tier")
    func formatOneStore() async throws {
        try await TemporaryStore.with { store in
            var ledger: Ledger? = try store.open { $0.newStoreFormat = 1 }
            _ = try await fill(ledger!, counts: ["x": 40, "y": 3])
            ledger = nil
            let reopened = try store.open()
            #expect(reopened.layout.format == 1 && reopened.layout.recentIDs == nil)
            try await reopened.append([.sample("x-41")], to: "x", expecting: .exact(40))
            try reopened.forEachRecord { record in
                #expect(record.recordFormat == 1 && record.previousPositionInStream == 0)
                return true
            }
            #expect(try reopened.read { try $0.count(reopened.layout.streams) } == 44)
            #expect(try await reopened.events(in: "x", from: 39).collect().map(\.id) == ["x-39", "x-40", "x-41"])
            #expect(try reopened.verify().isIntact)
        }
    }

    @Test("the chain's SHA-256 equals swift-crypto's on inputs of every length from 0 to 600 bytes")
    func hashMatchesSwiftCrypto() {
        var generator = SystemRandomNumberGenerator()
        for length in 0 ... 600 {
            let previous = RecordHash(bytes: (generator.next(), generator.next(), generator.next(), generator.next()))
            let canonical = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            let ours = canonical.withUnsafeBytes { HashChain.hash(after: previous, canonical: $0) }
            var reference = SHA256()
            previous.withUnsafeBytes { reference.update(bufferPointer: $0) }
            canonical.withUnsafeBytes { reference.update(bufferPointer: $0) }
            let expected = reference.finalize().withUnsafeBytes { RecordHash($0) }
            #expect(ours == expected, "length \(length)")
        }
    }
}

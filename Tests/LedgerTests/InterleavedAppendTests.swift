import Ledger
import Testing

@Suite("One atomic append may visit a stream several times, keeping the order of its entries")
struct InterleavedAppendTests {
    @Test("positions follow the entries, versions continue across entries, reads and verify agree")
    func interleaved() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("a0")], to: "a")
            let results = try await ledger.append([
                StreamAppend([.sample("a1"), .sample("a2")], to: "a", expecting: .exact(1)),
                StreamAppend([.sample("b1")], to: "b", expecting: .noStream),
                StreamAppend([.sample("a3")], to: "a", expecting: .exact(3)),
                StreamAppend([.sample("b2")], to: "b", expecting: .exact(1)),
                StreamAppend([.sample("a4")], to: "a"),
            ])
            #expect(results.map(\.positions) == [[2, 3], [4], [5], [6], [7]])
            #expect(results.map(\.streamVersion) == [3, 1, 4, 2, 5])
            var stream: [String] = []
            for try await event in ledger.events(in: "a") { stream.append(event.id) }
            #expect(stream == ["a0", "a1", "a2", "a3", "a4"])
            var backwards: [UInt64] = []
            for try await event in ledger.events(in: "a", direction: .backwards) { backwards.append(event.streamVersion) }
            #expect(backwards == [5, 4, 3, 2, 1])
            #expect(try ledger.version(of: "b") == 2)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("an expectation that fails against the earlier entries of the same append refuses all of it")
    func laterExpectationFails() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            await #expect(throws: LedgerError.self) {
                try await ledger.append([
                    StreamAppend([.sample("a1")], to: "a", expecting: .noStream),
                    StreamAppend([.sample("a2")], to: "a", expecting: .noStream),
                ])
            }
            #expect(try ledger.head == 0)
        }
    }
}

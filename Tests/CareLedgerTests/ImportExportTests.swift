import CareLedger
import Ledger
import Testing

@Suite("Import and export of JSON Lines")
struct ImportExportTests {
    static let history = History.generate(events: 1_500, seed: 42)

    @Test("A file is imported in file order; export then import into an empty store reproduces the log")
    func roundTrip() async throws {
        try await withTemporaryRoot { root in
            try writeLines(Self.history, to: root + "/history.jsonl")
            let source = try await openStore(root + "/source")
            let summary = try await source.importEvents(fromFile: root + "/history.jsonl")
            #expect(summary.lines == Self.history.count)
            #expect(summary.eventsStored == Self.history.count)
            #expect(summary.eventsAlreadyStored == 0)
            #expect(try storedLines(source) == Self.history.map(\.line))

            let exported = try source.exportEvents(toFile: root + "/export.jsonl")
            #expect(exported.events == Self.history.count)
            #expect(exported.lastPosition == UInt64(Self.history.count))
            let copy = try await openStore(root + "/copy")
            try await copy.importEvents(fromFile: root + "/export.jsonl")
            #expect(try storedLines(copy) == storedLines(source))

            let tail = try source.exportEvents(toFile: root + "/tail.jsonl", from: 1_001)
            #expect(tail.events == Self.history.count - 1_000)
            let reader = try JSONLinesReader(path: root + "/tail.jsonl")
            #expect(try reader.next()?.value == Self.history[1_000].line)
        }
    }

    @Test("Re-running an import stores nothing more")
    func idempotentReimport() async throws {
        try await withTemporaryRoot { root in
            try writeLines(Self.history, to: root + "/history.jsonl")
            let store = try await openStore(root + "/store")
            try await store.importEvents(fromFile: root + "/history.jsonl")
            let before = try storedLines(store)
            let again = try await store.importEvents(fromFile: root + "/history.jsonl")
            #expect(again.eventsStored == 0)
            #expect(again.eventsAlreadyStored == Self.history.count)
            #expect(try storedLines(store) == before)
        }
    }

    @Test("An import stopped after some batches leaves a prefix; running it again completes it")
    func resumeAfterKill() async throws {
        struct Killed: Error {}
        try await withTemporaryRoot { root in
            try writeLines(Self.history, to: root + "/history.jsonl")
            var options = ImportOptions()
            options.maximumBatchSize = 64
            let whole = try await openStore(root + "/whole")
            let summary = try await whole.importEvents(fromFile: root + "/history.jsonl", options: options)
            #expect(summary.batches > 3)

            let resumed = try await openStore(root + "/resumed")
            var committed = 0
            await #expect(throws: Killed.self) {
                try await resumed.importEvents(fromFile: root + "/history.jsonl", options: options) { progress in
                    committed = progress.linesCommitted
                    if progress.batches == 3 { throw Killed() }
                }
            }
            #expect(committed > 0 && committed < Self.history.count)
            #expect(try storedLines(resumed) == Self.history.prefix(committed).map(\.line))

            let rerun = try await resumed.importEvents(fromFile: root + "/history.jsonl", options: options)
            #expect(rerun.eventsAlreadyStored == committed)
            #expect(rerun.eventsStored == Self.history.count - committed)
            #expect(try storedLines(resumed) == storedLines(whole))
        }
    }

    @Test("A bad last line of a long file stores nothing of it")
    func badLastLine() async throws {
        try await withTemporaryRoot { root in
            let bad = Make.advance("ch-none", to: "test", id: "last")
            try writeLines(Self.history + [bad], to: root + "/history.jsonl")
            let store = try await openStore(root + "/store")
            let error = try await #require(throws: ImportError.self) { try await store.importEvents(fromFile: root + "/history.jsonl") }
            #expect(error.line == Self.history.count + 1)
            #expect(error.eventID == "last")
            #expect(error.identifier == "challenge-not-reported")
            #expect(try store.ledger.head == 0)
        }
    }

    @Test("A batch may visit a stream again: one batch, and the log keeps the file's order")
    func batchesKeepOrder() async throws {
        try await withTemporaryRoot { root in
            let events = [
                Make.org("o1", "region"), Make.problem("c1", org: "o1"), Make.advance("c1", to: "screening"),
                Make.problem("c2", org: "o1"), Make.advance("c1", to: "test"), Make.advance("c2", to: "dropped"),
            ]
            try writeLines(events, to: root + "/file.jsonl")
            let store = try await openStore(root + "/store")
            let summary = try await store.importEvents(fromFile: root + "/file.jsonl")
            #expect(summary.batches == 1)  // [o1] [c1 c1] [c2] [c1] [c2] as entries of one atomic append
            #expect(try storedLines(store) == events.map(\.line))
        }
    }
}

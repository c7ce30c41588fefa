import Foundation
import Ledger
import Testing

@Suite("Persistence: close, reopen, one handle per store per process")
struct PersistenceTests {
    /// Reopens the store at `path` after its ledger was closed and dropped, waiting (briefly)
    /// while the store is still held, so that a test of what was persisted does not depend on
    /// how fast the store is released. ``immediateReopen()`` checks that promise itself.
    static func reopen(
        _ store: TemporaryStore, at path: String? = nil, _ configure: (inout Ledger.Configuration) -> Void = { _ in }
    ) async throws -> Ledger {
        for _ in 0 ..< 1_000 {
            do { return try store.open(at: path, configure) } catch LedgerError.alreadyOpen {}
            try await Task.sleep(for: .milliseconds(2))
        }
        return try store.open(at: path, configure)
    }

    @Test("close() and dropping the ledger release the store at once: reopening right away succeeds")
    func immediateReopen() async throws {
        try await TemporaryStore.with { store in
            var refused: [Int] = []
            for cycle in 0 ..< 20 {
                do {
                    let ledger = try await Self.reopen(store)
                    if cycle.isMultiple(of: 2) { try await ledger.append([.sample("e\(cycle)")], to: "s") }
                    ledger.close()
                }
                do {
                    let again = try store.open()
                    #expect(try again.head == UInt64(cycle / 2 + 1))
                    again.close()
                } catch LedgerError.alreadyOpen {
                    refused.append(cycle)
                }
            }
            #expect(refused.isEmpty, "reopening right after close() and dropping the ledger threw alreadyOpen in cycles \(refused)")
        }
    }

    @Test("events, head, versions and hashes are identical after close and reopen, and the chain continues")
    func closeAndReopen() async throws {
        try await TemporaryStore.with { store in
            var ledger: Ledger? = try store.open()
            try await ledger!.append([.sample("c1", metadata: ["actor": "a"]), .sample("c2")], to: "challenge", expecting: .noStream)
            try await ledger!.append([
                StreamAppend([.sample("i1", type: "IdeaSubmitted")], to: "ideas", expecting: .noStream),
                StreamAppend([.sample("c3", type: "ChallengeClosed")], to: "challenge", expecting: .exact(2)),
            ])
            try await ledger!.append([NewEvent(id: "bin", type: "Blob", schemaVersion: 2, occurredAt: Timestamp(rawValue: -5), payload: [0, 0xFF, 0x10])], to: "blobs")
            let events = try await ledger!.allEvents()
            let head = try ledger!.head
            let report = try ledger!.verify()
            let statistics = try ledger!.statistics()
            #expect(head == 5)
            #expect(report.isIntact)
            ledger!.close()
            ledger = nil

            let reopened = try await Self.reopen(store)
            #expect(try reopened.head == head)
            #expect(try await reopened.allEvents() == events, "every field, recordedAt and hash included")
            #expect(try reopened.version(of: "challenge") == 3)
            #expect(try reopened.version(of: "ideas") == 1)
            #expect(try reopened.version(of: "blobs") == 1)
            #expect(try await reopened.events(in: "challenge").collect().map(\.id) == ["c1", "c2", "c3"])
            #expect(try reopened.event(withID: "i1") == events[2])
            let reopenedStatistics = try reopened.statistics()
            #expect(reopenedStatistics.events == statistics.events)
            #expect(reopenedStatistics.streams == statistics.streams)
            #expect(try reopened.verify() == report)

            // The reopened ledger continues the chain and the stream versions.
            #expect(try await reopened.append([.sample("c4")], to: "challenge", expecting: .exact(3)).positions == [6])
            let after = try reopened.verify()
            #expect(after.isIntact)
            #expect(after.head == 6)
            // An idempotent retry of an event stored before the reopen is still recognised.
            #expect(try await reopened.append([.sample("c2")], to: "challenge", expecting: .noStream).positions == [2])
            #expect(try reopened.head == 6)
        }
    }

    @Test("a ledger dropped without close() releases its store and keeps its events")
    func dropWithoutClose() async throws {
        try await TemporaryStore.with { store in
            do {
                let ledger = try store.open()
                try await ledger.append((1 ... 3).map { .sample("e\($0)") }, to: "s")
            }
            let reopened = try await Self.reopen(store)
            #expect(try reopened.head == 3)
            #expect(try reopened.verify().isIntact)
        }
    }

    @Test("deferred durability keeps events across reopen once synced")
    func deferredDurability() async throws {
        try await TemporaryStore.with { store in
            do {
                let ledger = try store.open { $0.durability = .deferred }
                try await ledger.append((1 ... 50).map { .sample("e\($0)") }, to: "s")
                try ledger.sync()
                ledger.close()
            }
            let reopened = try await Self.reopen(store)
            #expect(try reopened.head == 50)
            #expect(try reopened.verify().isIntact)
        }
    }

    @Test("opening a store that is open in this process throws alreadyOpen, however the path is spelled")
    func alreadyOpen() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("e1")], to: "s")

            let error = #expect(throws: LedgerError.self) { try store.open() }
            #expect(error == .alreadyOpen(path: store.path))

            let rootName = URL(fileURLWithPath: store.root).lastPathComponent
            try FileManager.default.createSymbolicLink(atPath: store.sibling("link"), withDestinationPath: store.path)
            for spelling in [
                store.path + "/", store.root + "/./store", store.root + "/../" + rootName + "/store", store.sibling("link"),
            ] {
                let error = #expect(throws: LedgerError.self, "\(spelling)") { try store.open(at: spelling) }
                #expect(error == .alreadyOpen(path: spelling))
            }

            // The first handle is unaffected.
            #expect(try await ledger.append([.sample("e2")], to: "s").positions == [2])
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("two different stores are open side by side")
    func twoStores() async throws {
        try await TemporaryStore.with { store in
            let first = try store.open()
            let second = try store.open(at: store.sibling("second"))
            try await first.append([.sample("a")], to: "s")
            try await second.append([.sample("b"), .sample("c")], to: "s")
            #expect(try first.head == 1)
            #expect(try second.head == 2)
            #expect(try first.event(withID: "b") == nil)
            #expect(try second.event(at: 1)?.id == "b")
        }
    }

    @Test("after close(), appends are refused with .closed and write nothing; close() again does nothing")
    func appendAfterClose() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("e1")], to: "s")
            ledger.close()
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.append([.sample("e2")], to: "s")
            }
            #expect(error == .closed)
            ledger.close()
            #expect(try ledger.head == 1)
            #expect(try ledger.event(withID: "e2") == nil)
        }
    }

    @Test("close() while appends are queued: each append either is stored and says so, or is refused with .closed")
    func closeDuringAppends() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let outcomes = await withTaskGroup(of: (Int, Result<AppendResult, any Error>).self) { group in
                for task in 0 ..< 40 {
                    group.addTask {
                        do {
                            return (task, .success(try await ledger.append([.sample("t\(task)")], to: "s-\(task)")))
                        } catch {
                            return (task, .failure(error))
                        }
                    }
                }
                group.addTask {
                    ledger.close()
                    return (-1, .failure(CancellationError()))
                }
                var outcomes: [(Int, Result<AppendResult, any Error>)] = []
                for await outcome in group where outcome.0 >= 0 { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.count == 40)
            var stored: [UInt64] = []
            for (task, outcome) in outcomes {
                switch outcome {
                case .success(let result):
                    let position = try #require(result.positions.first)
                    #expect(try ledger.event(at: position)?.id == "t\(task)")
                    stored.append(position)
                case .failure(let error):
                    #expect(error as? LedgerError == .closed, "task \(task): \(error)")
                    #expect(try ledger.event(withID: "t\(task)") == nil, "task \(task)")
                }
            }
            #expect(stored.sorted() == Array(stride(from: 1, through: UInt64(stored.count), by: 1)))
            #expect(try ledger.head == UInt64(stored.count))
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("a failed open leaves the path free for a later open")
    func failedOpen() async throws {
        try await TemporaryStore.with { store in
            // A regular file where the store directory should be.
            #expect(FileManager.default.createFile(atPath: store.path, contents: Data("not a store".utf8)))
            let error = #expect(throws: LedgerError.self) { try store.open() }
            guard case .storage(let storage) = error else {
                Issue.record("expected a storage error, got \(String(describing: error))")
                return
            }
            #expect(storage.code == .notADirectory)

            try FileManager.default.removeItem(atPath: store.path)
            let ledger = try store.open()
            try await ledger.append([.sample("e1")], to: "s")
            #expect(try ledger.head == 1)
        }
    }

    @Test("a store in a directory whose parent does not exist is refused")
    func missingParent() async throws {
        try await TemporaryStore.with { store in
            let error = #expect(throws: LedgerError.self) { try store.open(at: store.sibling("missing/store")) }
            guard case .storage(let storage) = error else {
                Issue.record("expected a storage error, got \(String(describing: error))")
                return
            }
            #expect(storage.code == .noSuchFile)
        }
    }

    @Test("a directory holding a file that is not a store is refused")
    func notAStore() async throws {
        try await TemporaryStore.with { store in
            try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: false)
            let garbage = Data((0 ..< 64 * 1024).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            #expect(FileManager.default.createFile(atPath: store.path + "/data.mdb", contents: garbage))
            let error = #expect(throws: LedgerError.self) { try store.open() }
            guard case .storage(let storage) = error else {
                Issue.record("expected a storage error, got \(String(describing: error))")
                return
            }
            #expect(storage.code == .invalid)
        }
    }
}

import Ledger
import Testing

/// A hook that counts stored events per type in a table, and refuses events of type
/// "Forbidden" — the shape of an inline projection that also checks a rule.
private struct CountingHook: AppendHook {
    let table: Table

    struct Refused: Error, Equatable {
        let position: UInt64
    }

    func didAppend(_ record: RecordView, in scope: WriteScope) throws {
        if record.typeTag == EventTypeTag("Forbidden") { throw Refused(position: record.position) }
        let key = Array(record.typeBytes)
        let count = try scope.value(for: key, in: table).map { UInt64($0.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) } ?? 0
        try scope.set(withUnsafeBytes(of: count + 1) { Array($0) }, for: key, in: table)
    }
}

private func count(_ type: String, in table: Table, _ ledger: Ledger) throws -> UInt64 {
    try ledger.read { scope in
        try scope.value(for: Array(type.utf8), in: table).map { $0.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } } ?? 0
    }
}

@Suite("Tables and append hooks")
struct TableAndHookTests {
    @Test("a table keeps values across close and reopen, apart from the log")
    func tablePersists() async throws {
        try await TemporaryStore.with { store in
            do {
                let ledger = try store.open()
                let table = try await ledger.table(named: "log")  // may share a name with an internal database
                try await ledger.write { scope in try scope.set([1, 2, 3], for: Array("k".utf8), in: table) }
                #expect(try ledger.head == 0)
                ledger.close()
            }
            let ledger = try store.open()
            let table = try await ledger.table(named: "log")
            #expect(try ledger.read { try $0.value(for: Array("k".utf8), in: table) } == [1, 2, 3])
            #expect(try ledger.read { try $0.count(of: table) } == 1)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("a failing write leaves the table as it was")
    func failingWriteAborts() async throws {
        struct Boom: Error {}
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let table = try await ledger.table(named: "t")
            await #expect(throws: Boom.self) {
                try await ledger.write { scope in
                    try scope.set([9], for: [1], in: table)
                    throw Boom()
                }
            }
            #expect(try ledger.read { try $0.value(for: [1], in: table) } == nil)
        }
    }

    /// Under deferred durability the appends below find the writer idle and are written on the
    /// appending task's thread: the hooks run there, with the same outcome.
    @Test("a hook's writes commit with the append, and its refusal stores nothing", arguments: [Durability.full, .deferred])
    func hookRunsInsideAppend(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            let table = try await ledger.table(named: "counts")
            ledger.addAppendHook(CountingHook(table: table))

            try await ledger.append([.sample("a1"), .sample("a2", type: "Other")], to: "s-1", expecting: .noStream)
            #expect(try count("Noted", in: table, ledger) == 1)
            #expect(try count("Other", in: table, ledger) == 1)

            await #expect(throws: CountingHook.Refused(position: 4)) {
                try await ledger.append([.sample("b1"), .sample("b2", type: "Forbidden")], to: "s-2")
            }
            #expect(try ledger.head == 2)
            #expect(try ledger.version(of: "s-2") == 0)
            #expect(try ledger.event(withID: "b1") == nil)
            #expect(try count("Noted", in: table, ledger) == 1)

            try await ledger.append([.sample("c1")], to: "s-2", expecting: .noStream)
            #expect(try ledger.head == 3)
            #expect(try count("Noted", in: table, ledger) == 2)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("appends refused by a hook do not disturb others in the same group commit", arguments: [Durability.full, .deferred])
    func hookRefusalIsolatedInGroupCommit(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            let table = try await ledger.table(named: "counts")
            ledger.addAppendHook(CountingHook(table: table))
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for n in 0 ..< 40 {
                    group.addTask {
                        let type = n % 4 == 0 ? "Forbidden" : "Noted"
                        return (try? await ledger.append([.sample("e\(n)", type: type)], to: "s-\(n)")) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 30)
            #expect(try ledger.head == 30)
            #expect(try count("Noted", in: table, ledger) == 30)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("waitForCommit wakes on the next commit")
    func waitForCommit() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let waiter = Task { await ledger.waitForCommit(beyond: 0) }
            try await ledger.append([.sample("w1")], to: "w")
            #expect(await waiter.value == true)
            let cancelled = Task { await ledger.waitForCommit(beyond: 10) }
            cancelled.cancel()
            #expect(await cancelled.value == false)
        }
    }
}

@Suite("Map growth through tables and hooks")
struct TableGrowthTests {
    /// A hook that writes a 1 KiB row per record: it fills a small map long before the log does.
    private struct BulkyHook: AppendHook {
        let table: Table
        func didAppend(_ record: RecordView, in scope: WriteScope) throws {
            try scope.set([UInt8](repeating: 7, count: 1024), for: Array(record.idBytes), in: table)
        }
    }

    @Test("writes to a table grow the map instead of failing")
    func tableWritesGrowMap() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.initialMapSize = 64 * 1024 }
            let table = try await ledger.table(named: "bulk")
            try await ledger.write { scope in
                for n in 0 ..< 2_000 { try scope.set([UInt8](repeating: 1, count: 1024), for: Array("k\(n)".utf8), in: table) }
            }
            #expect(try ledger.read { try $0.count(of: table) } == 2_000)
            #expect(try ledger.statistics().mapSize > 64 * 1024)
        }
    }

    @Test("a hook's writes that fill the map grow it and the append succeeds")
    func hookWritesGrowMap() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.initialMapSize = 64 * 1024 }
            let table = try await ledger.table(named: "rows")
            ledger.addAppendHook(BulkyHook(table: table))
            for batch in 0 ..< 10 {
                try await ledger.append((0 ..< 100).map { .sample("b\(batch)-\($0)") }, to: "s-\(batch)")
            }
            #expect(try ledger.head == 1_000)
            #expect(try ledger.read { try $0.count(of: table) } == 1_000)
            #expect(try ledger.verify().isIntact)
        }
    }
}

@Suite("Empty appends")
struct EmptyAppendTests {
    @Test("an empty append checks the expected version and stores nothing")
    func emptyAppendChecksExpectation() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            await #expect(throws: LedgerError.wrongExpectedVersion(stream: "s", expected: .exact(5), actual: 0)) {
                try await ledger.append([], to: "s", expecting: .exact(5))
            }
            try await ledger.append([.sample("a"), .sample("b")], to: "s")
            let result = try await ledger.append([], to: "s", expecting: .exact(2))
            #expect(result.positions.isEmpty)
            #expect(result.streamVersion == 2)
            #expect(try ledger.head == 2)
        }
    }
}

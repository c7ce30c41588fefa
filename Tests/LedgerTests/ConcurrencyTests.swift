import Ledger
import Testing

@Suite("Concurrent appends: optimistic concurrency, group commit, retries, consistent reads")
struct ConcurrencyTests {
    /// What one racing task ended with.
    struct Win: Sendable {
        var task: Int
        var id: String
        var expected: UInt64
        var result: AppendResult
        var attempts: Int
    }

    /// Under deferred durability an append that finds the writer idle writes on its own thread,
    /// while the others queue for the writer thread: both paths race in these tests.
    @Test(
        "100 tasks racing with exact expected versions on one stream: one wins each version, none lost or duplicated",
        arguments: [Durability.full, .deferred])
    func racingExactAppends(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            let tasks = 100
            let wins = try await withThrowingTaskGroup(of: Win.self) { group in
                for task in 0 ..< tasks {
                    group.addTask {
                        let id = "race-\(task)"
                        for attempt in 1 ... 10_000 {
                            let version = try ledger.version(of: "contended")
                            do {
                                let result = try await ledger.append([.sample(id)], to: "contended", expecting: .exact(version))
                                return Win(task: task, id: id, expected: version, result: result, attempts: attempt)
                            } catch LedgerError.wrongExpectedVersion(let stream, let expected, let actual) {
                                // Lost this round: someone else took `version`. Read again and retry.
                                #expect(stream == "contended")
                                #expect(expected == .exact(version))
                                #expect(actual > version)
                            }
                        }
                        throw RaceError.neverWon(task)
                    }
                }
                var wins: [Win] = []
                for try await win in group { wins.append(win) }
                return wins
            }

            #expect(wins.count == tasks)
            // Exactly one task won each version, and it won the version it expected plus one.
            #expect(wins.map(\.result.streamVersion).sorted() == Array(1 ... UInt64(tasks)))
            for win in wins {
                #expect(win.result.streamVersion == win.expected + 1, "task \(win.task)")
                #expect(win.result.positions.count == 1, "task \(win.task)")
            }
            // Positions are gap-free 1...100 and each holds the winner's own event.
            #expect(wins.flatMap(\.result.positions).sorted() == Array(1 ... UInt64(tasks)))
            for win in wins {
                let stored = try #require(try ledger.event(at: win.result.positions[0]))
                #expect(stored.id == win.id)
                #expect(stored.streamVersion == win.result.streamVersion)
            }
            #expect(try ledger.version(of: "contended") == UInt64(tasks))
            #expect(try ledger.head == UInt64(tasks))
            // No event lost or duplicated: the stream holds each task's id exactly once.
            let ids = try await ledger.events(in: "contended").collect().map(\.id)
            #expect(ids.count == tasks)
            #expect(Set(ids) == Set((0 ..< tasks).map { "race-\($0)" }))
            #expect(try ledger.verify().isIntact)
        }
    }

    enum RaceError: Error { case neverWon(Int) }

    /// What one appender of the group-commit test did.
    enum Outcome: Sendable {
        case single(task: Int, AppendResult)
        case pair(task: Int, [AppendResult])
        case refused(task: Int, LedgerError)
    }

    @Test("concurrent appends to different streams (group commit) each get their own result", arguments: [Durability.full, .deferred])
    func groupCommit(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for task in 0 ..< 90 {
                    group.addTask {
                        let events: [NewEvent] = (0 ..< 3).map { .sample("t\(task)-e\($0)") }
                        switch task % 3 {
                        case 0:
                            return .single(task: task, try await ledger.append(events, to: "single-\(task)", expecting: .noStream))
                        case 1:
                            // An expectation that cannot hold: refused without affecting the others.
                            do {
                                let result = try await ledger.append(events, to: "refused-\(task)", expecting: .exact(7))
                                Issue.record("append expecting version 7 of a new stream succeeded: \(result)")
                                return .single(task: task, result)
                            } catch let error as LedgerError {
                                return .refused(task: task, error)
                            }
                        default:
                            return .pair(task: task, try await ledger.append([
                                StreamAppend(Array(events[0 ..< 2]), to: "pair-\(task)-a", expecting: .noStream),
                                StreamAppend([events[2]], to: "pair-\(task)-b", expecting: .noStream),
                            ]))
                        }
                    }
                }
                var outcomes: [Outcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }

            var allPositions: [UInt64] = []
            for outcome in outcomes {
                switch outcome {
                case .single(let task, let result):
                    #expect(result.stream == "single-\(task)")
                    #expect(result.streamVersion == 3)
                    let first = try #require(result.positions.first)
                    #expect(result.positions == [first, first + 1, first + 2], "an append's events are stored together")
                    let stored = try await ledger.events(in: "single-\(task)").collect()
                    #expect(stored.map(\.id) == (0 ..< 3).map { "t\(task)-e\($0)" })
                    #expect(stored.map(\.position) == result.positions)
                    allPositions += result.positions
                case .pair(let task, let results):
                    #expect(results.map(\.stream) == ["pair-\(task)-a", "pair-\(task)-b"])
                    #expect(results.map(\.streamVersion) == [2, 1])
                    let positions = results.flatMap(\.positions)
                    let first = try #require(positions.first)
                    #expect(positions == [first, first + 1, first + 2])
                    #expect(try ledger.event(at: first + 2)?.id == "t\(task)-e2")
                    #expect(try ledger.event(at: first + 2)?.stream == "pair-\(task)-b")
                    allPositions += positions
                case .refused(let task, let error):
                    #expect(error == .wrongExpectedVersion(stream: "refused-\(task)", expected: .exact(7), actual: 0))
                    #expect(try ledger.version(of: "refused-\(task)") == 0)
                    #expect(try ledger.event(withID: "t\(task)-e0") == nil)
                }
            }
            // 60 successful appends of 3 events each: positions 1...180, each used once.
            #expect(allPositions.sorted() == Array(1 ... 180))
            #expect(try ledger.head == 180)
            #expect(try ledger.statistics().streams == 30 + 2 * 30)
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("concurrent retries of one event all get its single position")
    func concurrentIdempotentRetries() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0 ..< 30 {
                    group.addTask { try await ledger.append([.sample("once")], to: "s", expecting: .noStream) }
                }
                var results: [AppendResult] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == 30)
            #expect(results.allSatisfy { $0.positions == [1] && $0.streamVersion == 1 })
            #expect(try ledger.head == 1)
        }
    }

    @Test("concurrent appends of one id with different content: one is stored, the rest conflict")
    func concurrentConflictingIDs() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let outcomes = await withTaskGroup(of: (Int, Result<AppendResult, any Error>).self) { group in
                for task in 0 ..< 30 {
                    group.addTask {
                        do {
                            return (task, .success(try await ledger.append([.sample("contested", payload: "from \(task)")], to: "s")))
                        } catch {
                            return (task, .failure(error))
                        }
                    }
                }
                var outcomes: [(Int, Result<AppendResult, any Error>)] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            let winners = outcomes.filter { if case .success = $0.1 { true } else { false } }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            #expect(try winner.1.get().positions == [1])
            for (task, outcome) in outcomes where task != winner.0 {
                guard case .failure(let error) = outcome else { continue }
                #expect(error as? LedgerError == .eventIDConflict(id: "contested", position: 1), "task \(task)")
            }
            #expect(try ledger.head == 1)
            #expect(try ledger.event(at: 1)?.payload == Array("from \(winner.0)".utf8))
        }
    }

    @Test("reads and verification during concurrent appends see whole, gap-free snapshots")
    func readsDuringAppends() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0 ..< 4 {
                    group.addTask {
                        for batch in 0 ..< 25 {
                            try await ledger.append(
                                (0 ..< (1 + batch % 4)).map { .sample("w\(writer)-b\(batch)-\($0)") }, to: "writer-\(writer)")
                        }
                    }
                }
                for _ in 0 ..< 2 {
                    group.addTask {
                        for _ in 0 ..< 40 {
                            let head = try ledger.head
                            var seen: [UInt64] = []
                            let last = try ledger.forEachRecord(through: head) { record in
                                seen.append(record.position)
                                return true
                            }
                            #expect(last == head)
                            #expect(seen == Array(stride(from: 1, through: head, by: 1)))
                            let report = try ledger.verify()
                            #expect(report.isIntact, "\(report)")
                            #expect(report.head >= head)
                            await Task.yield()
                        }
                    }
                }
                try await group.waitForAll()
            }
            // 4 writers × (25 batches of 1...4 events, cycling: 6 cycles of 10 and one more batch of 1).
            #expect(try ledger.head == 4 * 61)
            #expect(try ledger.verify().isIntact)
        }
    }
}

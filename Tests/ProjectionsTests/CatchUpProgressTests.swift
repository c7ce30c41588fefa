import Ledger
import Projections
import Synchronization
import Testing

@Suite("Catch-up progress")
struct CatchUpProgressTests {
    @Test("the catch-up position is the lowest of the catch-up projections', lowered by one that starts from 1")
    func positionIsTheLowest() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 21)
            var stored = try await ledger.append(Sample.generate(150, seed: 21), batches: &rng)
            let engine = try await ProjectionEngine(ledger: ledger)
            #expect(engine.catchUpPosition == 0)
            let early = try await engine.register(Totals(name: "early"))
            #expect(engine.catchUpPosition == 0)
            try await engine.catchUp()
            #expect(engine.catchUpPosition == 150)

            stored += try await ledger.append(Sample.generate(90, seed: 22, prefix: "late-"), batches: &rng)
            // Appends alone do not move it: the projections have not folded them yet.
            #expect(engine.catchUpPosition == 150)
            let late = try await engine.register(Totals(name: "late"))
            #expect(engine.catchUpPosition == 0)
            try await engine.catchUp()
            #expect(engine.catchUpPosition == 240)
            #expect(try engine.state(of: early) == Totals().fold(stored))
            #expect(try engine.state(of: late) == Totals().fold(stored))

            try await engine.rebuild()
            #expect(engine.catchUpPosition == 240)
        }
    }

    @Test("a projection stopped at a failure does not hold the position back, and is counted again once retried")
    func failedProjectionIsLeftOut() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            let failing = try await ledger.appendWithUnluckyEvent(count: 100, seed: 23, at: 60).failing

            let engine = try await ProjectionEngine(ledger: ledger)
            let fix = Fragile.Switch()
            let fragile = try await engine.register(Fragile(fix: fix))
            _ = try await engine.register(Totals())
            try await engine.catchUp()
            #expect(engine.status().first { $0.name == "fragile" }?.position == failing - 1)
            #expect(engine.catchUpPosition == 100)

            fix.fixed.store(true, ordering: .relaxed)
            var progress = engine.catchUpProgress().makeAsyncIterator()
            #expect(await progress.next() == 100)
            try await engine.retry(fragile)
            #expect(engine.catchUpPosition == 100)
            // The stream keeps only the newest value: the retry published its restored position, then 100.
            #expect(await progress.next() == 100)
            #expect(engine.status().allSatisfy { $0.failure == nil && $0.position == 100 })
        }
    }

    @Test("the progress stream follows the runner to the head of every append", .timeLimit(.minutes(1)))
    func streamFollowsTheRunner() async throws {
        try await withTemporaryStore { path in
            // Deferred: the test is about the stream, and under a concurrent build each flushed
            // commit can take seconds (it once ran past its limit, 105 s, while a build wrote).
            var configuration = Ledger.Configuration()
            configuration.durability = .deferred
            let ledger = try Ledger(path: path, configuration: configuration)
            let engine = try await ProjectionEngine(ledger: ledger)
            let totals = try await engine.register(Totals())
            var iterator = engine.catchUpProgress().makeAsyncIterator()
            // A stream starts with the current value.
            #expect(await iterator.next() == 0)
            engine.start()
            var rng = SeededGenerator(state: 24)
            var stored: [(position: UInt64, sample: Sample)] = []
            var seen: [UInt64] = []
            for round in 0 ..< 5 {
                stored += try await ledger.append(Sample.generate(40, seed: 30 + UInt64(round), prefix: "r\(round)-"), batches: &rng)
                let head = try ledger.head
                // No polling: each value comes from a catch-up step; wait for this append's head.
                while let reached = await iterator.next() {
                    seen.append(reached)
                    if reached >= head { break }
                }
                #expect(seen.last == head)
                #expect(engine.catchUpPosition == head)
                #expect(try engine.state(of: totals) == Totals().fold(stored))
            }
            await engine.stop()
            #expect(seen == seen.sorted())
        }
    }
}

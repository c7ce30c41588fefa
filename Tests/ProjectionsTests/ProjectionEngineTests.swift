import Ledger
import Synchronization
import Projections
import Testing

@Suite("Projection engine")
struct ProjectionEngineTests {
    @Test("two replays of the same log give identical state, equal to a fold in memory")
    func determinism() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 1)
            let stored = try await ledger.append(Sample.generate(500, seed: 1), batches: &rng)
            let engine = try await ProjectionEngine(ledger: ledger)
            let totals = try await engine.register(Totals())
            try await engine.catchUp()
            let first = try engine.state(of: totals)
            let second = try engine.state(of: totals, asOf: .position(.max))
            #expect(first == second)
            #expect(first == Totals().fold(stored))
            let replay = try engine.replayAll()
            #expect(replay.events == 500)
            #expect(replay.failures.isEmpty)
        }
    }

    @Test("incremental folding with random batches and restarts equals a rebuild", arguments: [7, 8, 9, 10, 11] as [UInt64])
    func incrementalEqualsRebuild(seed: UInt64) async throws {
        try await withTemporaryStore { path in
            var rng = SeededGenerator(state: seed)
            var stored: [(position: UInt64, sample: Sample)] = []
            var configuration = ProjectionEngine.Configuration()
            configuration.chunkSize = rng.next() % 50 + 1
            configuration.checkpointInterval = rng.next() % 100 + 1
            configuration.snapshotInterval = rng.next() % 60
            for round in 0 ..< 4 {
                let ledger = try Ledger(path: path)
                let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
                let totals = try await engine.register(Totals())
                let samples = Sample.generate(Int(rng.next() % 150), seed: rng.next(), prefix: "r\(round)-")
                stored += try await ledger.append(samples, batches: &rng)
                if rng.next() % 2 == 0 { try await engine.catchUp() }
                // A restart between rounds: resume from whatever checkpoint was persisted.
                ledger.close()
                _ = totals
            }
            let ledger = try Ledger(path: path)
            let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
            let totals = try await engine.register(Totals())
            try await engine.catchUp()
            let incremental = try engine.state(of: totals)
            try await engine.rebuild()
            let rebuilt = try engine.state(of: totals)
            #expect(incremental == rebuilt)
            #expect(incremental == Totals().fold(stored))
            #expect(engine.status().first?.checkpoint == UInt64(stored.count))
        }
    }

    @Test("as of a position equals the fold of the prefix, with and without snapshots", arguments: [0, 10, 64] as [UInt64])
    func asOfPosition(snapshotInterval: UInt64) async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 3)
            let stored = try await ledger.append(Sample.generate(400, seed: 3), batches: &rng)
            var configuration = ProjectionEngine.Configuration()
            configuration.snapshotInterval = snapshotInterval
            configuration.chunkSize = 37
            let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
            let totals = try await engine.register(Totals())
            try await engine.catchUp()
            for position: UInt64 in [0, 1, 9, 10, 11, 63, 64, 65, 200, 399, 400, 1000] {
                let expected = Totals().fold(stored.prefix { $0.position <= position })
                #expect(try engine.state(of: totals, asOf: .position(position)) == expected, "as of position \(position)")
            }
        }
    }

    @Test("as of a time folds exactly the events that happened by then, in log order")
    func asOfTime() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 4)
            let stored = try await ledger.append(Sample.generate(300, seed: 4), batches: &rng)
            let engine = try await ProjectionEngine(ledger: ledger)
            let totals = try await engine.register(Totals())
            for seconds: Int64 in [1_699_999_999, 1_700_000_000, 1_700_040_000, 1_700_099_999, 1_800_000_000] {
                let expected = Totals().fold(stored.filter { $0.sample.time <= seconds })
                #expect(try engine.state(of: totals, asOf: .time(Timestamp(secondsSinceEpoch: seconds))) == expected)
            }
        }
    }

    @Test("bumping a projection's version rebuilds it on the next open")
    func versionBumpRebuilds() async throws {
        try await withTemporaryStore { path in
            var stored: [(position: UInt64, sample: Sample)] = []
            do {
                let ledger = try Ledger(path: path)
                var rng = SeededGenerator(state: 5)
                stored = try await ledger.append(Sample.generate(200, seed: 5), batches: &rng)
                let engine = try await ProjectionEngine(ledger: ledger)
                let v1 = try await engine.register(Totals())
                try await engine.catchUp()
                #expect(try engine.state(of: v1) == Totals().fold(stored))
                ledger.close()
            }
            let ledger = try Ledger(path: path)
            let engine = try await ProjectionEngine(ledger: ledger)
            var bumped = Totals()
            bumped.version = 2
            let v2 = try await engine.register(bumped)
            #expect(engine.status().first?.position == 0)
            try await engine.catchUp()
            let state = try engine.state(of: v2)
            #expect(state == bumped.fold(stored))
            #expect(state != Totals().fold(stored))
        }
    }

    @Test("a throwing projection stops at its event, the others go on, and it resumes after a fix")
    func failureIsolation() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            let (stored, failingPosition) = try await ledger.appendWithUnluckyEvent(count: 100, seed: 6, at: 40)

            let engine = try await ProjectionEngine(ledger: ledger)
            let fix = Fragile.Switch()
            let fragile = try await engine.register(Fragile(fix: fix))
            let totals = try await engine.register(Totals())
            try await engine.catchUp()

            #expect(try engine.state(of: totals) == Totals().fold(stored))
            let status = try #require(engine.status().first { $0.name == "fragile" })
            let failure = try #require(status.failure)
            #expect(failure.position == failingPosition)
            #expect(failure.eventType == "Added")
            #expect(failure.projection == "fragile")
            #expect(status.position == failingPosition - 1)
            #expect(throws: ProjectionError.failed(failure)) { try engine.state(of: fragile) }

            fix.fixed.store(true, ordering: .relaxed)
            try await engine.retry(fragile)
            let added = UInt64(stored.filter { $0.sample.type == "Added" }.count)
            #expect(try engine.state(of: fragile) == added)
            #expect(engine.status().allSatisfy { $0.failure == nil && $0.position == 100 })
        }
    }

    @Test("an inline projection is current right after each append and survives refused appends and restarts")
    func inlineProjection() async throws {
        struct RefuseRemovals: AppendHook {
            struct Refused: Error {}
            func didAppend(_ record: RecordView, in scope: WriteScope) throws {
                if record.typeTag == EventTypeTag("Removed") { throw Refused() }
            }
        }
        try await withTemporaryStore { path in
            var stored: [(position: UInt64, sample: Sample)] = []
            do {
                let ledger = try Ledger(path: path)
                var configuration = ProjectionEngine.Configuration()
                configuration.snapshotInterval = 5
                let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
                let totals = try await engine.register(Totals(), mode: .inline)
                ledger.addAppendHook(RefuseRemovals())
                for sample in Sample.generate(60, seed: 8) {
                    do {
                        let result = try await ledger.append([sample.event], to: sample.stream)
                        stored.append((result.positions[0], sample))
                    } catch is RefuseRemovals.Refused {
                        #expect(sample.type == "Removed")
                    }
                    #expect(try engine.state(of: totals) == Totals().fold(stored))
                }
                #expect(try engine.state(of: totals, asOf: .position(17)) == Totals().fold(stored.prefix(17)))
                ledger.close()
            }
            let ledger = try Ledger(path: path)
            let engine = try await ProjectionEngine(ledger: ledger)
            let totals = try await engine.register(Totals(), mode: .inline)
            #expect(try engine.state(of: totals) == Totals().fold(stored))
            #expect(engine.status().first?.checkpoint == UInt64(stored.count))
        }
    }

    @Test("the runner follows new commits")
    func runnerFollows() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            let engine = try await ProjectionEngine(ledger: ledger)
            let totals = try await engine.register(Totals())
            engine.start()
            var rng = SeededGenerator(state: 9)
            let stored = try await ledger.append(Sample.generate(120, seed: 9), batches: &rng)
            // Wait (bounded) for the runner to reach the head; woken by commits, it needs no more.
            for _ in 0 ..< 2_000 where engine.status().first?.position != 120 {
                try await Task.sleep(for: .milliseconds(5))
            }
            await engine.stop()
            #expect(try engine.state(of: totals) == Totals().fold(stored))
        }
    }

    @Test("projections at different checkpoints share one pass, each folding only what it lacks")
    func staggeredCheckpoints() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 12)
            var stored = try await ledger.append(Sample.generate(150, seed: 12), batches: &rng)
            let engine = try await ProjectionEngine(ledger: ledger)
            let early = try await engine.register(Totals(name: "early"))
            try await engine.catchUp()
            stored += try await ledger.append(Sample.generate(90, seed: 13, prefix: "late-"), batches: &rng)
            let late = try await engine.register(Totals(name: "late"))
            try await engine.catchUp()
            #expect(try engine.state(of: early) == Totals().fold(stored))
            #expect(try engine.state(of: late) == Totals().fold(stored))
        }
    }

    @Test("a fold split across two threads gives the same states as one thread", arguments: [1, 2])
    func parallelFold(threads: Int) async throws {
        try await withTemporaryStore { path in
            var configuration = Ledger.Configuration()
            configuration.durability = .deferred
            let ledger = try Ledger(path: path, configuration: configuration)
            var rng = SeededGenerator(state: 21)
            // Large enough for catch-up to use its threads (it splits ranges of 50,000 or more).
            var stored: [(position: UInt64, sample: Sample)] = []
            for chunk in 0 ..< 6 {
                let samples = Sample.generate(10_000, seed: rng.next(), prefix: "c\(chunk)-")
                let results = try await ledger.append(Dictionary(grouping: samples, by: \.stream).map { StreamAppend($0.value.map(\.event), to: $0.key) })
                let byID = Dictionary(uniqueKeysWithValues: samples.map { ($0.id, $0) })
                for result in results {
                    for position in result.positions {
                        let event = try #require(try ledger.event(at: position))
                        stored.append((position, byID[event.id]!))
                    }
                }
            }
            stored.sort { $0.position < $1.position }
            var engineConfiguration = ProjectionEngine.Configuration()
            engineConfiguration.threads = threads
            engineConfiguration.chunkSize = 100_000
            engineConfiguration.snapshotInterval = 7_000
            let engine = try await ProjectionEngine(ledger: ledger, configuration: engineConfiguration)
            let first = try await engine.register(Totals(name: "first"))
            let second = try await engine.register(Totals(name: "second"))
            try await engine.catchUp()
            let expected = Totals().fold(stored)
            #expect(try engine.state(of: first) == expected)
            #expect(try engine.state(of: second) == expected)
            #expect(try engine.state(of: second, asOf: .position(30_001)) == Totals().fold(stored.prefix(30_001)))
            #expect(try engine.replayAll().events == 60_000)
        }
    }

    @Test("registering a name twice is refused")
    func duplicateName() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            let engine = try await ProjectionEngine(ledger: ledger)
            _ = try await engine.register(Totals())
            await #expect(throws: ProjectionError.duplicateName("totals")) { _ = try await engine.register(Totals()) }
        }
    }
}

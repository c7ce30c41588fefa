import Ledger
import Testing

/// Subscriptions wait for commits, so a broken one hangs rather than fails: the time limit
/// turns a hang into a failure (the test's task is cancelled, which ends the subscription).
@Suite("Subscriptions: catch-up then live, exactly once and in order; cancellation and close end them", .timeLimit(.minutes(2)))
struct SubscriptionTests {
    @Test("a subscriber started after some events sees every position exactly once, in order, while tasks append")
    func continuityUnderConcurrentAppends() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            // More than one read chunk already stored, so catching up takes several snapshots.
            for batch in 0 ..< 6 {
                try await ledger.append((0 ..< 50).map { .sample("pre-\(batch)-\($0)") }, to: "pre-\(batch % 2)")
            }

            let (positions, delivered) = AsyncStream<UInt64>.makeStream()
            let subscriber = Task {
                var received: [RecordedEvent] = []
                for try await event in ledger.subscribe(from: 1) {
                    received.append(event)
                    delivered.yield(event.position)
                }
                delivered.finish()
                return received
            }
            var reports = positions.makeAsyncIterator()

            /// Four tasks appending 40 times each, 1, 2, 3, 1, … events: 13 × 6 + 1 = 79 each.
            func wave(_ name: String) async throws {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0 ..< 4 {
                        group.addTask {
                            for append in 0 ..< 40 {
                                let events = (0 ..< (1 + append % 3)).map { NewEvent.sample("\(name)-w\(writer)-\(append)-\($0)") }
                                try await ledger.append(events, to: "\(name)-writer-\(writer)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // The first wave runs while the subscriber catches up.
            try await wave("first")
            let firstHead = try ledger.head
            #expect(firstHead == 300 + 4 * 79)
            // The second starts once the subscriber has everything so far: it is then live.
            while let position = await reports.next(), position < firstHead {}
            try await wave("second")
            let total = try ledger.head
            #expect(total == firstHead + 4 * 79)

            // Closing ends the subscription once it has delivered everything committed.
            ledger.close()
            let received = try await subscriber.value
            #expect(received.count == Int(total))
            #expect(received.map(\.position) == Array(1 ... total), "every position once, in order")
            #expect(received == (try await ledger.allEvents()), "the subscriber got the stored events, field for field")
        }
    }

    @Test("a subscriber waiting at the head is woken by each commit")
    func wokenByEachCommit() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 5).map { .sample("old-\($0)") }, to: "s")

            let (positions, delivered) = AsyncStream<UInt64>.makeStream()
            let subscriber = Task {
                var received: [UInt64] = []
                for try await event in ledger.subscribe(from: 6) {
                    received.append(event.position)
                    delivered.yield(event.position)
                }
                delivered.finish()
                return received
            }
            // Append one event at a time, and only once the subscriber has the previous one:
            // each time the subscriber has caught up and is (about to be) waiting for a commit.
            var reports = positions.makeAsyncIterator()
            for position in UInt64(6) ... 35 {
                let result = try await ledger.append([.sample("live-\(position)")], to: "s")
                #expect(result.positions == [position])
                let report = await reports.next()
                #expect(report == position)
            }
            subscriber.cancel()
            #expect(try await subscriber.value == Array(6 ... 35))
        }
    }

    @Test("a subscription from a position beyond the head starts there once it is committed")
    func subscribeFromTheFuture() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("e1")], to: "s")
            let subscriber = Task {
                var received: [UInt64] = []
                for try await event in ledger.subscribe(from: 5) {
                    received.append(event.position)
                    if event.position == 8 { break }
                }
                return received
            }
            for position in 2 ... 8 {
                try await ledger.append([.sample("e\(position)")], to: "s")
            }
            #expect(try await subscriber.value == [5, 6, 7, 8])
        }
    }

    @Test("cancelling the consuming task ends the subscription without an error")
    func cancellationEndsTheSequence() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 10).map { .sample("e\($0)") }, to: "s")

            let (caughtUp, signal) = AsyncStream<Void>.makeStream()
            let subscriber = Task {
                var received: [UInt64] = []
                for try await event in ledger.subscribe(from: 1) {
                    received.append(event.position)
                    if event.position == 10 { signal.yield() }
                }
                return received
            }
            var iterator = caughtUp.makeAsyncIterator()
            await iterator.next()
            subscriber.cancel()
            // The sequence ended (returned nil, threw nothing), with exactly what it had.
            let received = try await subscriber.value
            #expect(received == Array(1 ... 10))

            // The ledger goes on; the ended subscription sees nothing more.
            #expect(try await ledger.append([.sample("e11")], to: "s").positions == [11])
            #expect(try ledger.head == 11)
        }
    }

    @Test("a subscription in an already-cancelled task ends without waiting")
    func alreadyCancelled() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 3).map { .sample("e\($0)") }, to: "s")
            let subscriber = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                var received: [UInt64] = []
                for try await event in ledger.subscribe(from: 1) { received.append(event.position) }
                return received
            }
            let received = try await subscriber.value
            #expect(received.count <= 3)
            #expect(received == (0 ..< received.count).map { UInt64($0 + 1) }, "whatever it delivered is in order")
        }
    }

    @Test("close() ends every subscription waiting for commits")
    func closeEndsSubscriptions() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 4).map { .sample("e\($0)") }, to: "s")

            let (started, signal) = AsyncStream<Int>.makeStream()
            let subscribers = (0 ..< 3).map { index in
                Task {
                    var received: [UInt64] = []
                    for try await event in ledger.subscribe(from: UInt64(index + 2)) {
                        received.append(event.position)
                        if event.position == 4 { signal.yield(index) }
                    }
                    return received
                }
            }
            // Each has caught up to the head and is waiting for the next commit.
            var iterator = started.makeAsyncIterator()
            for _ in 0 ..< 3 { _ = await iterator.next() }
            ledger.close()
            for (index, subscriber) in subscribers.enumerated() {
                #expect(try await subscriber.value == Array(UInt64(index + 2) ... 4))
            }

            // A subscription begun after close() delivers what is stored and ends.
            #expect(try await ledger.subscribe(from: 1).collect().map(\.position) == [1, 2, 3, 4])
        }
    }

    @Test("a subscriber may append in reaction to what it receives")
    func reactingSubscriber() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let reactor = Task {
                var reactions = 0
                for try await event in ledger.subscribe(from: 1) where event.type == "Asked" {
                    try await ledger.append([.sample("answer-\(event.id)", type: "Answered")], to: "answers", expecting: .exact(UInt64(reactions)))
                    reactions += 1
                    if reactions == 20 { break }
                }
                return reactions
            }
            for question in 1 ... 20 {
                try await ledger.append([.sample("q\(question)", type: "Asked")], to: "questions")
            }
            #expect(try await reactor.value == 20)
            let answers = try await ledger.events(in: "answers").collect()
            #expect(answers.map(\.id) == (1 ... 20).map { "answer-q\($0)" })
            #expect(try ledger.head == 40)
        }
    }

    @Test("events(from:) ends at the head instead of waiting")
    func eventsEndAtTheHead() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            #expect(try await ledger.events(from: 1).collect().isEmpty)
            try await ledger.append((1 ... 3).map { .sample("e\($0)") }, to: "s")
            #expect(try await ledger.events(from: 1).collect().map(\.position) == [1, 2, 3])
        }
    }
}

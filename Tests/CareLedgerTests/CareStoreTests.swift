import CareLedger
import Ledger
import Testing

@Suite("CareStore: appends, idempotency and the rule state")
struct CareStoreTests {
    @Test("Re-appending stored events is a no-op that keeps positions and trips no once-per rule")
    func idempotentAppend() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            let first = try await store.append(Make.world)
            let again = try await store.append(Make.world)
            #expect(again == first)
            #expect(try await store.append(Make.world[0]) == 1)
            #expect(try store.ledger.head == UInt64(Make.world.count))
        }
    }

    @Test("The same id with other content is a conflict and stores nothing")
    func conflictingID() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append(Make.world)
            let other = Make.org("o-new", "region", id: "join-o-mun")
            await #expect(throws: LedgerError.eventIDConflict(id: "join-o-mun", position: 1)) { try await store.append(other) }
            #expect(try store.ledger.head == UInt64(Make.world.count))
        }
    }

    @Test("An expected version applies to every stream of the append")
    func expectedVersion() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append([Make.org("o1", "region"), Make.problem("c1", org: "o1")], expecting: .noStream)
            try await store.append(Make.advance("c1", to: "screening"), expecting: .exact(1))
            await #expect(throws: LedgerError.wrongExpectedVersion(stream: "challenge-c1", expected: .exact(1), actual: 2)) {
                try await store.append(Make.advance("c1", to: "test"), expecting: .exact(1))
            }
        }
    }

    @Test("An atomic append keeps the given order across streams; with an expectation each stream's events must be together")
    func streamNotContiguous() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append(Make.org("o1", "region"))
            let events = [Make.problem("c1", org: "o1"), Make.problem("c2", org: "o1"), Make.advance("c1", to: "test")]
            await #expect(throws: CareStoreError.streamNotContiguous(eventID: "advance-c1-test")) {
                try await store.append(events, expecting: .noStream)
            }
            #expect(try store.ledger.head == 1)
            #expect(try await store.append(events) == [2, 3, 4])
            #expect(try store.ledger.event(at: 4)?.id == "advance-c1-test")
        }
    }

    @Test("Records that are not domain events, or not in their entity's stream, are refused by the hook")
    func foreignRecords() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append(Make.world)
            let foreign = NewEvent(id: "x1", type: "Opened", occurredAt: Make.time, payload: [1, 2, 3])
            let unknown = try await #require(throws: RuleViolation.self) { try await store.ledger.append([foreign], to: "things-1") }
            #expect(unknown.rule == .eventTypeNotInDomain)
            #expect(unknown.field == "type")

            let misplaced = Make.org("o9", "region").newEvent
            let stream = try await #require(throws: RuleViolation.self) { try await store.ledger.append([misplaced], to: "org-o8") }
            #expect(stream.rule == .streamNotEntity)

            var broken = Make.org("o9", "region").newEvent
            broken.payload.removeLast()
            let payload = try await #require(throws: RuleViolation.self) { try await store.ledger.append([broken], to: "org-o9") }
            #expect(payload.rule == .payloadUnreadable)

            var future = Make.org("o9", "region").newEvent
            future.schemaVersion = 7
            let version = try await #require(throws: RuleViolation.self) { try await store.ledger.append([future], to: "org-o9") }
            #expect(version.rule == .eventTypeNotInDomain)
            #expect(version.field == "schemaVersion")
            #expect(try store.ledger.head == UInt64(Make.world.count))
        }
    }

    @Test("Events appended without the rules hook are folded into the rule state when a store opens")
    func catchUpOnOpen() async throws {
        try await withTemporaryRoot { root in
            let path = root + "/store"
            do {
                let store = try await openStore(path)
                try await store.append(Make.org("o1", "region"))
                await store.close()
            }
            do {
                // A plain ledger: no rules hook.
                let ledger = try Ledger(path: path)
                try await ledger.append([Make.org("o2", "municipality").newEvent], to: "org-o2")
                ledger.close()
            }
            let store = try await openStore(path)
            try await store.append(Make.problem("c1", org: "o2"))
            let again = try await #require(throws: RuleViolation.self) { try await store.append(Make.org("o2", "region", id: "join-o2-again")) }
            #expect(again.rule == .organisationAlreadyJoined)
            #expect(again.subject == "o2")
        }
    }

    @Test("A rule state behind the log is caught up inside the next append, before its rules are checked")
    func catchUpInsideAppend() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append([Make.org("o1", "region"), Make.org("o2", "municipality")])
            // Rewind the stored rule state to before position 2, as if record 2 had been
            // appended by a process without the rules hook.
            let table = try await store.ledger.table(named: "careledger.rules")
            try await store.ledger.write { scope in
                #expect(try scope.removeValue(for: Array("oo2".utf8), in: table))
                try scope.set(withUnsafeBytes(of: UInt64(1).bigEndian) { Array($0) }, for: Array("#position".utf8), in: table)
            }
            #expect(try await store.append(Make.problem("c1", org: "o2")) == 3)
            let again = try await #require(throws: RuleViolation.self) { try await store.append(Make.org("o2", "region", id: "join-o2-again")) }
            #expect(again.rule == .organisationAlreadyJoined)
        }
    }
}

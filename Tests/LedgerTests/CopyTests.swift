import Foundation
import Ledger
import Testing

@Suite("Copying a store: a consistent, verifiable copy, compacted or page for page")
struct CopyTests {
    /// Appends `count` events one commit at a time over 12 streams, so that commits free and
    /// reuse pages and the log's pages scatter over the file.
    private static func fill(_ ledger: Ledger, count: Int, prefix: String = "e") async throws {
        for index in 0 ..< count {
            let payload = "{\"n\":\(index),\"pad\":\"" + String(repeating: "x", count: 40 + index % 90) + "\"}"
            try await ledger.append([.sample("\(prefix)\(index)", type: index % 3 == 0 ? "Opened" : "Noted", payload: payload)], to: "s\(index % 12)")
        }
    }

    private static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the copy opens as a store with the same events, head hash and streams, and verifies", arguments: [true, false])
    func sameHistory(compacting: Bool) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await Self.fill(ledger, count: 400)
            try await ledger.append([
                StreamAppend([.sample("m1", metadata: ["who": "unit"])], to: "s1"),
                StreamAppend([.sample("m2"), .sample("m3")], to: "fresh"),
            ])
            let original = try ledger.verify()
            let destination = store.sibling("copy")

            let copy = try ledger.copy(to: destination, compacting: compacting)

            #expect(copy.directory == destination)
            #expect(copy.isCompacted == compacting)
            let data = destination + "/data.mdb"
            #expect(copy.bytes == (try FileManager.default.attributesOfItem(atPath: data)[.size] as? NSNumber)?.intValue)
            #expect(try Self.mode(of: data) == 0o600)
            #expect(try Self.mode(of: destination) == 0o700)
            #expect(!FileManager.default.fileExists(atPath: destination + "/data.mdb.partial"))
            let sourceBytes = try ledger.statistics().storeSize
            if compacting {
                #expect(copy.bytes < sourceBytes, "a compacted copy leaves out the pages 403 commits freed")
            } else {
                #expect(copy.bytes == sourceBytes)
            }

            let copied = try store.open(at: destination)
            let report = try copied.verify()
            #expect(report.isIntact)
            #expect(report.head == original.head)
            #expect(report.headHash == original.headHash)
            #expect(report.streams == original.streams)
            let events = try await copied.allEvents()
            #expect(events == (try await ledger.allEvents()))
            #expect(try await copied.events(in: "s1").collect() == (try await ledger.events(in: "s1").collect()))
            #expect(try copied.event(withID: "m1")?.metadata == ["who": "unit"])

            // The copy is a store of its own: it takes appends, and the source does not see them.
            try await copied.append([.sample("after-copy")], to: "fresh", expecting: .exact(2))
            #expect(try copied.head == original.head + 1)
            #expect(try ledger.head == original.head)
            #expect(try ledger.event(withID: "after-copy") == nil)
            #expect(try copied.verify().isIntact)
        }
    }

    @Test("a copy taken while appends run is one snapshot: a verified prefix of the log")
    func duringAppends() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = .deferred }
            try await Self.fill(ledger, count: 200)
            let before = try ledger.head
            let appending = Task {
                for round in 0 ..< 150 {
                    try await ledger.append((0 ..< 20).map { .sample("r\(round)-\($0)") }, to: "busy-\(round % 5)")
                }
            }
            let destination = store.sibling("copy")
            try ledger.copy(to: destination)
            try await appending.value
            let after = try ledger.head
            #expect(after == before + 3_000)

            let copied = try store.open(at: destination)
            let report = try copied.verify()
            #expect(report.isIntact)
            #expect(report.head >= before && report.head <= after)
            let source = try ledger.verify()
            #expect(source.isIntact)
            let prefix = try await copied.allEvents()
            #expect(prefix.count == Int(report.head))
            for event in prefix {
                #expect(try ledger.event(at: event.position) == event)
            }
        }
    }

    @Test("a destination holding anything but a partial copy is refused and left as it was")
    func refusesOccupiedDestination() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await Self.fill(ledger, count: 5)

            // Another store.
            let other = store.sibling("other")
            do {
                let otherLedger = try store.open(at: other)
                try await otherLedger.append([.sample("kept")], to: "other")
                otherLedger.close()
            }
            #expect {
                try ledger.copy(to: other)
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else { return false }
                return storage.code == .fileExists && storage.operation.contains(other)
            }
            let reopened = try store.open(at: other)
            #expect(try reopened.head == 1)
            #expect(try reopened.event(withID: "kept") != nil)
            #expect(!FileManager.default.fileExists(atPath: other + "/data.mdb.partial"))

            // Someone else's file.
            let foreign = store.sibling("foreign")
            try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: false)
            try Data("notes".utf8).write(to: URL(fileURLWithPath: foreign + "/notes.txt"))
            #expect {
                try ledger.copy(to: foreign)
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else { return false }
                return storage.code == .fileExists && storage.operation.contains("notes.txt")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: foreign) == ["notes.txt"])

            // A file where the directory should be.
            let file = store.sibling("file")
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            #expect {
                try ledger.copy(to: file)
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else { return false }
                return storage.code == .notADirectory
            }

            // The source itself.
            #expect(throws: LedgerError.self) { try ledger.copy(to: store.path) }
            #expect(try ledger.verify().isIntact)
        }
    }

    @Test("an interrupted copy leaves no store, and a later copy into the same directory replaces it")
    func interruptedCopy() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await Self.fill(ledger, count: 30)
            let destination = store.sibling("copy")
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
            // What a copy killed half-way leaves: the first bytes of the data file, under the partial name.
            let whole = try Data(contentsOf: URL(fileURLWithPath: store.path + "/data.mdb"))
            try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: destination + "/data.mdb.partial"))

            #expect(throws: LedgerError.self) { try store.open(at: destination) }
            #expect(!FileManager.default.fileExists(atPath: destination + "/data.mdb"))

            try ledger.copy(to: destination)
            #expect(try FileManager.default.contentsOfDirectory(atPath: destination) == ["data.mdb"])
            let copied = try store.open(at: destination)
            #expect(try copied.verify().headHash == (try ledger.verify().headHash))
        }
    }
}

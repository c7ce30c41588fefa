import CareLedger
import Foundation
import Ledger
import Testing

@Suite("Hostile import files: every file is imported whole or refused whole with a clear error")
struct HostileImportTests {
    /// Hostile variations of a valid two-line file: the second line is attacked.
    static func hostileSecondLines(_ valid: String, random: inout SplitMix64) -> [(String, [UInt8])] {
        let bytes = Array(valid.utf8)
        var cases: [(String, [UInt8])] = [
            ("deep nesting", Array(#"{"id":"x","data":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)),
            ("huge string", Array(#"{"id":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 3_000_000) + Array(#""}"#.utf8)),
            ("NaN", Array(valid.replacingOccurrences(of: #""score":4"#, with: #""score":NaN"#).utf8)),
            ("duplicate key", Array(valid.replacingOccurrences(of: #"{"id":"#, with: #"{"id":"dup","id":"#).utf8)),
            ("event id at 128", Array(valid.replacingOccurrences(of: #""id":"h-2""#, with: #""id":""# + String(repeating: "i", count: 128) + "\"").utf8)),
            ("event id at 129", Array(valid.replacingOccurrences(of: #""id":"h-2""#, with: #""id":""# + String(repeating: "i", count: 129) + "\"").utf8)),
            ("entity id at 65", Array(valid.replacingOccurrences(of: #""solution":"s1""#, with: #""solution":""# + String(repeating: "s", count: 65) + "\"").utf8)),
            ("lone surrogate", Array(valid.replacingOccurrences(of: #""actor":"a""#, with: #""actor":"\ud800""#).utf8)),
            ("control character", Array(valid.replacingOccurrences(of: #""actor":"a""#, with: "\"actor\":\"a\u{01}\"").utf8)),
            ("huge number", Array(valid.replacingOccurrences(of: #""score":4"#, with: #""score":1e999999"#).utf8)),
        ]
        for n in 0 ..< 60 {
            var mutated = bytes
            switch n % 4 {
            case 0: mutated.removeLast(Int(random.next() % UInt64(mutated.count)))
            case 1: mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next() | 0x80)
            case 2: mutated[Int(random.next() % UInt64(mutated.count))] = [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: ":")][Int(random.next() % 5)]
            default: mutated.insert(contentsOf: [0xC0, 0xAF], at: Int(random.next() % UInt64(mutated.count)))
            }
            cases.append(("mutation \(n)", mutated))
        }
        return cases
    }

    @Test("each hostile second line: imported whole, or refused naming line 2 with the store unchanged")
    func hostile() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            let base = [Make.org("o-co", "company"), Make.org("o-mun", "municipality"),
                        Make.solution("s1", company: "o-co", to: ["o-mun"])]
            try writeLines(base, to: root + "/base.jsonl")
            try await store.importEvents(fromFile: root + "/base.jsonl")
            let first = Make.event("h-1", .feedbackGiven, ["solution": "s1", "org": "o-mun", "score": 3], meta: ["actor": "a"])
            let second = Make.event("h-2", .feedbackGiven, ["solution": "s1", "org": "o-mun", "score": 4], meta: ["actor": "a"])
            let valid = second.line.serialized()
            var random = SplitMix64(seed: 5)
            var refused = 0, imported = 0
            for (name, line) in Self.hostileSecondLines(valid, random: &random) {
                let path = root + "/hostile.jsonl"
                try writeFile(path, Array(first.line.serialized().utf8) + [0x0A] + line + [0x0A])
                let before = try store.ledger.head
                do {
                    let summary = try await store.importEvents(fromFile: path)
                    imported += 1
                    #expect(summary.lines == 2, "\(name)")
                    // Accepted: it was a valid event after all; remove nothing, but later cases see it stored.
                } catch let error as ImportError {
                    refused += 1
                    #expect(error.line == 2, "\(name): \(error)")
                    #expect(try store.ledger.head == before, "\(name): nothing stored")
                    #expect(!String(describing: error).contains(String(repeating: "a", count: 100)), "\(name): no echo")
                }
            }
            #expect(refused > 50 && imported >= 1, "refused \(refused), imported \(imported)")
            #expect(try store.ledger.verify().isIntact)
        }
    }
}

@Suite("The maximum event size")
struct MaximumEventSizeTests {
    @Test("an event above the ledger's configured maximum size is refused by the import's check, naming its line; nothing is stored")
    func tooLarge() async throws {
        try await withTemporaryRoot { root in
            var configuration = CareStore.Configuration()
            configuration.ledger.limits.maximumEventSize = 1_000
            let store = try await CareStore(path: root + "/store", configuration: configuration)
            let big = Make.course("k1", participants: (0 ..< 100).map { "person-\($0)" })
            try writeLines([Make.org("o1", "region"), big], to: root + "/file.jsonl")
            do {
                try await store.importEvents(fromFile: root + "/file.jsonl")
                Issue.record("the oversized event was imported")
            } catch let error as ImportError {
                #expect(error.line == 2 && error.eventID == big.id && error.identifier == "event-too-large", "\(error)")
                #expect(String(describing: error).contains("1000"))
            }
            #expect(try store.ledger.head == 0)
            await store.close()
        }
    }
}

import Foundation
import Ledger
import Testing

@Suite("Verification: an intact chain verifies, an edited byte is found at its position")
struct VerifyTests {
    @Test("an intact store verifies intact, with the head and the last event's hash")
    func intact() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 5).map { .sample("a\($0)") }, to: "a")
            try await ledger.append([
                StreamAppend([.sample("b1")], to: "b"),
                StreamAppend([.sample("c1"), .sample("c2")], to: "c"),
            ])
            try await ledger.append([.sample("a6", metadata: ["k": "v"])], to: "a")

            let report = try ledger.verify()
            #expect(report.isIntact)
            #expect(report.problem == nil)
            #expect(report.head == 9)
            #expect(report.head == (try ledger.head))
            #expect(report.streams == 3)
            let last = try #require(try ledger.event(at: 9))
            #expect(report.headHash == last.hash)
            #expect(report.headHash != .zero)
        }
    }

    @Test("an empty store verifies intact with head 0 and the zero hash")
    func empty() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            let report = try ledger.verify()
            #expect(report.isIntact)
            #expect(report.head == 0)
            #expect(report.headHash == .zero)
            #expect(report.streams == 0)
        }
    }

    /// Which bytes of a record a test edits in a copy of the data file.
    enum Edit: String, CaseIterable, Sendable {
        /// One byte of a marker in a small payload (the record shares a page with others).
        case smallPayload
        /// One byte of a marker in a payload too large for a page (an overflow page of its own).
        case largePayload
        /// One byte of the record's stored hash.
        case storedHash
    }

    @Test("verify() finds one flipped byte in a copy of the data file at that event's position", arguments: Edit.allCases)
    func flippedByte(_ edit: Edit) async throws {
        try await TemporaryStore.with { store in
            let target: UInt64 = 23
            let marker = "MARKER-\(edit.rawValue)-7f3a9c"
            var ledger: Ledger? = try store.open()
            for position in 1 ... 40 {
                var payload = "{\"n\":\(position)}"
                if position == target {
                    payload = "{\"note\":\"\(marker)\"}"
                    if edit == .largePayload { payload += String(repeating: " ", count: 6_000) }
                }
                try await ledger!.append([.sample("e\(position)", payload: payload)], to: "s-\(position % 3)")
            }
            let original = try #require(try ledger!.event(at: target))
            let previous = try #require(try ledger!.event(at: target - 1))
            #expect(try ledger!.verify().isIntact)
            ledger!.close()
            ledger = nil

            // Edit the copy's data file: every copy of the needle (the file may still hold
            // superseded copies of the page the record lives in).
            let copy = try store.copyStore(to: "copy")
            let needle: [UInt8]
            let offsetInNeedle: Int
            switch edit {
            case .smallPayload, .largePayload:
                needle = Array(marker.utf8)
                offsetInNeedle = 3
            case .storedHash:
                needle = original.hash.withUnsafeBytes { Array($0) }
                offsetInNeedle = 5
            }
            let file = copy + "/data.mdb"
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let occurrences = Self.occurrences(of: needle, in: bytes)
            try #require(!occurrences.isEmpty, "the needle is in the data file")
            for offset in occurrences { bytes[offset + offsetInNeedle] ^= 0x01 }
            try Data(bytes).write(to: URL(fileURLWithPath: file))

            let damaged = try store.open(at: copy)
            let report = try damaged.verify()
            #expect(!report.isIntact)
            #expect(report.problem?.position == target)
            #expect(report.problem?.kind == .hashMismatch)
            #expect(report.head == target - 1, "the records before the edit check out")
            #expect(report.headHash == previous.hash)

            // The copy really holds the edited record, while every other event is unchanged.
            let edited = try #require(try damaged.event(at: target))
            switch edit {
            case .smallPayload, .largePayload:
                #expect(edited.payload != original.payload)
                #expect(edited.hash == original.hash)
            case .storedHash:
                #expect(edited.payload == original.payload)
                #expect(edited.hash != original.hash)
            }
            #expect(try damaged.event(at: target - 1) == previous)
            #expect(try damaged.event(at: target + 1)?.id == "e\(target + 1)")
        }
    }

    @Test("after an edit the report names the first damaged position, even with later edits")
    func firstProblemWins() async throws {
        try await TemporaryStore.with { store in
            do {
                let ledger = try store.open()
                for position in 1 ... 30 {
                    let payload = [10, 20].contains(position) ? "{\"note\":\"EDIT-ME-\(position)-QZX\"}" : "{\"n\":\(position)}"
                    try await ledger.append([.sample("e\(position)", payload: payload)], to: "s")
                }
                ledger.close()
            }
            let copy = try store.copyStore(to: "copy")
            let file = URL(fileURLWithPath: copy + "/data.mdb")
            var bytes = try [UInt8](Data(contentsOf: file))
            for position in [20, 10] {
                let occurrences = Self.occurrences(of: Array("EDIT-ME-\(position)-QZX".utf8), in: bytes)
                try #require(!occurrences.isEmpty)
                for offset in occurrences { bytes[offset] ^= 0x20 }
            }
            try Data(bytes).write(to: file)

            let report = try store.open(at: copy).verify()
            #expect(report.problem?.position == 10)
            #expect(report.problem?.kind == .hashMismatch)
            #expect(report.head == 9)
        }
    }

    /// Every offset at which `needle` starts in `haystack`.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        let first = needle[0]
        var offset = 0
        while offset <= haystack.count - needle.count {
            if haystack[offset] == first && haystack[offset ..< offset + needle.count].elementsEqual(needle) {
                found.append(offset)
            }
            offset += 1
        }
        return found
    }
}

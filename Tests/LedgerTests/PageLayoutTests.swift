#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Ledger
import Testing

@Suite("Page layout: the records of a large append lie on neighbouring pages of the file")
struct PageLayoutTests {
    /// A multi-stream append of `count` events with random ids over `streams` streams, with
    /// payloads of 90–190 bytes (about 20 records to a page).
    private static func append(_ count: Int, streams: Int, to ledger: Ledger, batch: Int) async throws {
        var appends: [StreamAppend] = []
        for s in 0 ..< streams {
            let events = (0 ..< count / streams).map { index -> NewEvent in
                let pad = String(repeating: "x", count: 80 + (index * 37 + s) % 100)
                return .sample(UUID().uuidString, payload: "{\"batch\":\(batch),\"pad\":\"\(pad)\"}")
            }
            appends.append(StreamAppend(events, to: "stream-\(s)"))
        }
        try await ledger.append(appends)
    }

    /// The file pages (offset in the memory map / page size) holding the records after
    /// `position`, one entry per change of page, in log order.
    private static func pages(after position: UInt64, in ledger: Ledger) throws -> [UInt] {
        let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))
        var pages: [UInt] = []
        try ledger.forEachRecord(from: position + 1) { record in
            let page = UInt(bitPattern: record.bytes.baseAddress) / pageSize
            if pages.last != page { pages.append(page) }
            return true
        }
        return pages
    }

    @Test("an append's log pages follow one another, though its ids land all over the id index", arguments: [Durability.full, .deferred])
    func logPagesAdjacent(durability: Durability) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.durability = durability }
            // Earlier appends grow an id index of many pages, and free pages for later ones
            // to reuse: every page an append first dirties in a random id range is a copy.
            for batch in 0 ..< 6 {
                try await Self.append(2_000, streams: 200, to: ledger, batch: batch)
            }
            let before = try ledger.head
            try await Self.append(4_000, streams: 200, to: ledger, batch: 6)
            #expect(try ledger.head == before + 4_000)

            let pages = try Self.pages(after: before, in: ledger)
            #expect(pages.count > 100, "4,000 records of about 200 bytes fill a few hundred pages")
            let steps = zip(pages, pages.dropFirst())
            let adjacent = steps.filter { $1 == $0 + 1 }.count
            // Written record by record between their id index entries, about two steps in
            // three were to the next page (215 of 333); written after them, nearly all are (328).
            #expect(adjacent * 10 >= (pages.count - 1) * 9, "\(adjacent) of \(pages.count - 1) steps to the next page")
            #expect(try ledger.verify().isIntact)
        }
    }
}

import Dispatch
import Foundation
@testable import Ledger
import Synchronization
import Testing

@Suite("Scans keep the mapped part of the store within one budget for the environment")
struct ScanResidencyTests {
    /// Fills a store with `count` events of about 300 bytes (in 100 streams, 2,000 per append),
    /// so the log spans many 2 MiB blocks of the map.
    static func fill(_ ledger: Ledger, count: Int) async throws {
        let filler = String(repeating: "x", count: 240)
        var appended = 0
        while appended < count {
            let batch = (appended ..< min(count, appended + 2_000)).map { n in
                NewEvent(id: "e\(n)", type: n % 3 == 0 ? "Moved" : "Noted", occurredAt: Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(n)),
                         payload: Array("{\"n\":\(n),\"f\":\"\(filler)\"}".utf8))
            }
            try await ledger.append(Dictionary(grouping: batch, by: { "s-\(Int($0.id.dropFirst())! % 100)" }).map { StreamAppend($0.value, to: $0.key) })
            appended += batch.count
        }
    }

    /// A ledger whose scans may keep 4 MiB (two blocks) of the map, appending without flushes.
    static func open(_ store: TemporaryStore, initialMapSize: Int = 1 << 30) throws -> Ledger {
        var configuration = Ledger.Configuration()
        configuration.durability = .deferred
        configuration.initialMapSize = initialMapSize
        configuration.scanResidentBudget = 4 << 20
        return try Ledger(path: store.path, configuration: configuration)
    }

    /// The sum of the payload lengths of every record and the number of records, read by one scan.
    static func scan(_ ledger: Ledger) throws -> (records: Int, bytes: Int) {
        var records = 0
        var bytes = 0
        try ledger.forEachRecord { record in
            records += 1
            bytes += record.payload.count
            return true
        }
        return (records, bytes)
    }

    /// The resident part of this process's mapping of `path`/data.mdb, in bytes (Linux).
    static func mappedResident(of path: String) -> Int? {
        // Read to the end: procfs reports a size of 0, and the file is long.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps"),
              let data = try? handle.readToEnd() else { return nil }
        try? handle.close()
        let smaps = String(decoding: data, as: UTF8.self)
        var inStore = false
        var total = 0
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") && line.split(separator: " ").count >= 5 {
                inStore = line.hasSuffix("/data.mdb") && line.contains(path)
            } else if inStore, line.hasPrefix("Rss:") {
                total += (Int(line.dropFirst(4).filter(\.isNumber)) ?? 0) * 1_024
            }
        }
        return total
    }

    @Test("two concurrent scans read every record correctly while the map they keep stays within the budget")
    func concurrentScansShareTheBudget() async throws {
        try await TemporaryStore.with { store in
            let ledger = try Self.open(store)
            // Enough for a data file well over twice the bound below (store format 2 writes a
            // stream index entry only every 32 versions, so its files are smaller).
            let count = 130_000
            try await Self.fill(ledger, count: count)
            let expected = try Self.scan(ledger)
            #expect(expected.records == count)
            let residency = ledger.environment.residency
            #expect(residency.budgetBlocks == 2)
            #expect(residency.heldBlocks <= residency.budgetBlocks)

            let results = Mutex<[(records: Int, bytes: Int)]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                if let result = try? Self.scan(ledger) { results.withLock { $0.append(result) } }
            }
            #expect(results.withLock { $0.count } == 2)
            for result in results.withLock({ $0 }) {
                #expect(result.records == expected.records && result.bytes == expected.bytes)
            }
            #expect(residency.heldBlocks <= residency.budgetBlocks)

            // What the process has mapped of the store file: the blocks held, plus the blocks
            // each scan had entered but not yet reported (at most a batch), plus the tree's
            // upper levels, far below the file's size.
            if let file = try? FileManager.default.attributesOfItem(atPath: store.path + "/data.mdb")[.size] as? Int,
               let resident = Self.mappedResident(of: store.path) {
                let bound = (ScanResidency.batch + 4) * ScanResidency.blockSize
                #expect(file > 2 * bound, "the store must span well more blocks than the bound")
                #expect(resident < bound, "resident \(resident >> 20) MiB of a \(file >> 20) MiB store")
            }
        }
    }

    @Test("a resize of the map forgets the blocks scans hold (the map may have moved)")
    func resizeForgets() async throws {
        try await TemporaryStore.with { store in
            let ledger = try Self.open(store, initialMapSize: 1 << 20)
            try await Self.fill(ledger, count: 4_000)
            _ = try Self.scan(ledger)
            #expect(ledger.environment.residency.heldBlocks > 0)
            try ledger.environment.grow()
            #expect(ledger.environment.residency.heldBlocks == 0)
            #expect(try Self.scan(ledger).records == 4_000)
        }
    }

    @Test("large values read in place count against the same budget; a write scope's reads count nothing")
    func largeValuesCount() async throws {
        try await TemporaryStore.with { store in
            let ledger = try Self.open(store)
            let table = try await ledger.table(named: "big")
            let residency = ledger.environment.residency
            for index in 0 ..< 4 {
                let value = [UInt8](repeating: UInt8(index), count: 5 << 20)
                try await ledger.write { scope in try scope.set(value, for: [UInt8(index)], in: table) }
            }
            try await ledger.write { scope in
                let value = try #require(try [UInt8(0)].withUnsafeBytes { try scope.reader.value(for: $0, in: table) })
                scope.reader.countMapped(value)
            }
            #expect(residency.heldBlocks == 0, "a write transaction's reads are never released")
            for index in 0 ..< 4 {
                let sum = try ledger.read { scope in
                    let value = try #require(try [UInt8(index)].withUnsafeBytes { try scope.value(for: $0, in: table) })
                    scope.countMapped(value)
                    return value.reduce(0) { $0 + Int($1) }
                }
                #expect(sum == index * (5 << 20))
                #expect(residency.heldBlocks > 0 && residency.heldBlocks <= residency.budgetBlocks)
            }
        }
    }
}

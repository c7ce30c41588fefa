import Ledger
import Testing

@Suite("Hostile records: any bytes either decode within bounds or are refused")
struct HostileRecordTests {
    /// Valid records of several shapes, as the ledger stores them.
    static func validRecords() async throws -> [[UInt8]] {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([
                .sample("a"), .sample("b", metadata: ["actor": "x", "source": "import"]),
                NewEvent(id: String(repeating: "i", count: 128), type: "T", occurredAt: .now, payload: []),
            ], to: "stream")
            var records: [[UInt8]] = []
            _ = try ledger.read { scope in
                try scope.forEachRecord { record in
                    records.append(Array(record.bytes))
                    return true
                }
            }
            return records
        }
    }

    @Test("mutated, truncated, extended and random records never read out of bounds", arguments: [UInt64(11), 12, 13, 14])
    func hostile(seed: UInt64) async throws {
        let valid = try await Self.validRecords()
        var random = SplitMix(seed: seed)
        var accepted = 0, refused = 0
        for trial in 0 ..< 20_000 {
            var bytes = valid[trial % valid.count]
            switch trial % 5 {
            case 0: // flip a few bytes, header fields most often
                for _ in 0 ... random.next() % 3 {
                    let limit = random.next() % 2 == 0 ? min(bytes.count, 64) : bytes.count
                    bytes[Int(random.next() % UInt64(limit))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1: bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
            case 2: bytes += (0 ..< random.next() % 64).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 3: bytes = (0 ..< random.next() % 300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default: // lengths at their extremes
                for offset in stride(from: 40, to: min(64, bytes.count - 1), by: 2) where random.next() % 3 == 0 {
                    bytes[offset] = 0xFF
                    bytes[offset + 1] = 0xFF
                }
            }
            let outcome = bytes.withUnsafeBytes { buffer -> Bool in
                guard let record = try? RecordView(validating: buffer) else { return false }
                // Every accessor stays inside the record.
                let sections = [record.idBytes, record.streamBytes, record.typeBytes, record.payload, record.canonicalBytes]
                for section in sections where section.count > 0 {
                    #expect(section.baseAddress! >= buffer.baseAddress! && section.baseAddress! + section.count <= buffer.baseAddress! + buffer.count)
                }
                _ = (record.id, record.stream, record.type, record.position, record.occurredAt, record.hash, try? record.metadata())
                return true
            }
            if outcome { accepted += 1 } else { refused += 1 }
        }
        #expect(accepted > 0 && refused > 0, "both outcomes occur: \(accepted) accepted, \(refused) refused")
    }
}

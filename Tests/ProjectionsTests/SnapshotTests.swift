import Ledger
import Projections
import Testing

@Suite("Snapshots: bulk state coding and per-projection intervals")
struct SnapshotTests {
    @Test("arrays written in bulk read back equal, between other fields, for every integer width")
    func bulkArraysRoundTrip() throws {
        var rng = SeededGenerator(state: 5)
        let wide = (0 ..< 1_000).map { _ in rng.next() }
        let narrow = (0 ..< 333).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let signed = (0 ..< 77).map { _ in Int16(truncatingIfNeeded: rng.next()) }
        let words = (0 ..< 5).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
        var writer = ByteWriter()
        writer.write(UInt16(0xBEEF))
        writer.writeArray(wide)
        writer.write("between")
        writer.writeArray(narrow)
        writer.writeArray(signed)
        writer.writeArray([UInt64]())
        writer.writeArray(words)
        let bytes = writer.bytes
        #expect(bytes.count == 2 + 2 + 8_000 + 8 + 2 + 333 + 1 + 154 + 1 + 1 + 20)
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            var reader = ByteReader(raw)
            #expect(try reader.read(UInt16.self) == 0xBEEF)
            #expect(try reader.readArray(of: UInt64.self) == wide)
            #expect(try reader.read(String.self) == "between")
            #expect(try reader.readArray(of: UInt8.self) == narrow)
            #expect(try reader.readArray(of: Int16.self) == signed)
            #expect(try reader.readArray(of: UInt64.self).isEmpty)
            #expect(try reader.readArray(of: UInt32.self) == words)
            #expect(reader.isAtEnd)
        }
    }

    @Test("an array whose elements run past the end is refused, naming where")
    func truncatedArrayThrows() throws {
        var writer = ByteWriter()
        writer.writeArray([UInt64](repeating: 7, count: 10))
        let bytes = Array(writer.bytes.dropLast(3))
        bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            // The count (10) fits the 77 bytes left, but not 8 bytes per element.
            #expect(throws: StateDecodingError.self) { try reader.readArray(of: UInt64.self) }
            #expect(reader.offset == 1, "the reader stops after the count")
        }
    }

    @Test("projections snapshot at their own intervals, and as of any position equal the fold of the prefix")
    func perProjectionIntervals() async throws {
        try await withTemporaryStore { path in
            let ledger = try Ledger(path: path)
            var rng = SeededGenerator(state: 17)
            let stored = try await ledger.append(Sample.generate(400, seed: 17), batches: &rng)
            var configuration = ProjectionEngine.Configuration()
            configuration.snapshotInterval = 64
            configuration.chunkSize = 53
            let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
            let often = try await engine.register(Totals(name: "often", every: 10))
            let usual = try await engine.register(Totals(name: "usual"))
            let never = try await engine.register(Totals(name: "never", every: 0))
            try await engine.catchUp()

            let snapshots = try await ledger.table(named: "projections.snapshots")
            var keys: [String: Int] = [:]
            try ledger.read { scope in
                try scope.forEach(in: snapshots) { key, _ in
                    let name = String(decoding: key.prefix { $0 != 0 }, as: UTF8.self)
                    keys[name, default: 0] += 1
                    return true
                }
            }
            #expect(keys == ["often": 40, "usual": 6])

            for position: UInt64 in [0, 1, 9, 10, 11, 63, 64, 65, 129, 200, 399, 400] {
                let expected = Totals().fold(stored.prefix { $0.position <= position })
                for handle in [often, usual, never] {
                    #expect(try engine.state(of: handle, asOf: .position(position)) == expected, "\(handle.projection.name) as of \(position)")
                }
            }
        }
    }
}

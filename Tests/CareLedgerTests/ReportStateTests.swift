@testable import CareLedger
import Ledger
import Projections
import Testing

@Suite("Report state: interner and snapshot coding")
struct ReportStateTests {
    @Test func internerNumbersIdsDenselyAndFindsThemAfterGrowing() {
        var interner = EntityInterner()
        let ids = (0 ..< 5_000).map { "id-\($0 * 7919 % 5_000)" }
        for (number, id) in ids.enumerated() {
            var id = id
            #expect(id.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) } == number)
        }
        #expect(interner.count == ids.count)
        for (number, id) in ids.enumerated() {
            #expect(interner.index(of: id) == number)
            var id = id
            #expect(id.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) } == number)
            #expect(interner.id(number) == id)
        }
        #expect(interner.index(of: "absent") == nil)
        #expect(interner.index(of: "id-1x") == nil)
        #expect(interner.count == ids.count)
    }

    @Test func internerKeepsEachIdsValueAcrossGrowth() {
        var interner = EntityInterner()
        let ids = (0 ..< 3_000).map { $0 % 2 == 0 ? "p\($0)" : "a-longer-id-than-eight-bytes-\($0)" }
        for (number, id) in ids.enumerated() {
            var id = id
            id.withUTF8 { bytes in
                let slot = interner.slot(of: UnsafeRawBufferPointer(bytes))
                #expect(interner.number(atSlot: slot) == number)
                #expect(interner[valueAt: slot] == 0)
                interner[valueAt: slot] = UInt64(number) * 3 + 1
            }
        }
        #expect(interner.values() == (0 ..< ids.count).map { UInt64($0) * 3 + 1 })
        var visited: [UInt64] = []
        interner.forEachValue { visited.append($0) }
        #expect(visited.sorted() == interner.values())
        #expect(interner.countValues { $0 % 2 == 0 } == ids.indices.count { ($0 * 3 + 1) % 2 == 0 })
        // Only ids longer than 8 bytes are kept in the arena, each after its 4-byte length;
        // every id reads back after growth.
        #expect(interner.arena.count == ids.filter { $0.utf8.count > 8 }.reduce(0) { $0 + 4 + $1.utf8.count })
        for number in [0, 1, 2, 3, 1_998, 2_999] { #expect(interner.id(number) == ids[number]) }
        var first = ids[0]
        first.withUTF8 { bytes in
            let slot = interner.slot(of: UnsafeRawBufferPointer(bytes))
            #expect(interner[valueAt: slot] == 1)
        }
        #expect(interner.count == ids.count)
    }

    @Test func internerTellsApartIdsWithTheSameHash() {
        // Prefixes, equal-length ids and ids longer than the 8-byte prefix kept in each cell.
        var interner = EntityInterner()
        let ids = ["a", "aa", "aaa", "b", "ab", "ba", "", "abcdefgh", "abcdefgh1", "abcdefgh2", "abcdefghij", "abcdefgh:abcdefgh", "abcdefgh:abcdefgi"]
        for id in ids {
            var id = id
            _ = id.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) }
        }
        #expect(ids.map { interner.index(of: $0) } == Array(ids.indices))
        #expect(interner.index(of: "abcdefgh3") == nil)
        #expect(interner.index(of: "abcdefg") == nil)
    }

    @Test func anInconsistentEntityTableIsRefusedWhenDecoded() throws {
        var interner = EntityInterner()
        for id in ["p1", "p2", "a-longer-id-than-eight-bytes", "another-long-identifier"] {
            var id = id
            _ = id.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) }
        }
        var writer = ByteWriter()
        interner.encode(to: &writer)
        func decode(_ bytes: [UInt8]) throws -> EntityInterner {
            try bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return try EntityInterner.decode(from: &reader)
            }
        }
        #expect(try decode(writer.bytes) == interner)
        #expect(try decode(writer.bytes).index(of: "another-long-identifier") == 3)

        // The blocks: the arena (length, bytes), then the cells (length, 3 words per cell).
        let arena: [UInt8] = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            return try reader.readFlat()
        }
        let cells: [UInt64] = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            _ = try reader.readFlat(UInt8.self)
            return try reader.readFlat()
        }
        func encoded(_ arena: [UInt8], _ cells: [UInt64]) -> [UInt8] {
            var writer = ByteWriter()
            writer.writeFlat(arena)
            writer.writeFlat(cells)
            return writer.bytes
        }
        #expect(try decode(encoded(arena, cells)) == interner)
        let used = stride(from: 0, to: cells.count, by: 3).filter { cells[$0 + 1] != 0 }
        let long = try #require(used.first { cells[$0 + 1] >> 32 & 0xFF > 8 })
        let short = try #require(used.first { cells[$0 + 1] >> 32 & 0xFF <= 8 })
        // A long id's bytes past the end of the arena.
        var broken = cells
        broken[long] = UInt64(arena.count - 2)
        #expect(throws: StateDecodingError.self) { try decode(encoded(arena, broken)) }
        // A long id's stored length damaged: its cell's length still fits the arena, so the
        // table decodes; a look-up of the id no longer matches it, and growing the table (which
        // hashes every id again from its bytes) reads no further than the arena's end.
        let offset = Int(cells[long])
        let damagedID = String(decoding: arena[offset + 4 ..< offset + 4 + Int(cells[long + 1] >> 32 & 0xFF)], as: UTF8.self)
        var damagedArena = arena
        damagedArena.replaceSubrange(offset ..< offset + 4, with: [0xF0, 0xFF, 0xFF, 0x7F])
        var damaged = try decode(encoded(damagedArena, cells))
        #expect(damaged.index(of: damagedID) == nil)
        for index in 0 ..< 100 { _ = "grown-after-damage-\(index)".utf8CString.withUnsafeBytes { damaged.intern(UnsafeRawBufferPointer(rebasing: $0.dropLast())) } }
        #expect(damaged.count == interner.count + 100)
        // Two cells with one number.
        broken = cells
        broken[short + 1] = broken[short + 1] & ~0xFFFF_FFFF | (cells[long + 1] & 0xFFFF_FFFF)
        #expect(throws: StateDecodingError.self) { try decode(encoded(arena, broken)) }
        // A number beyond the count.
        broken = cells
        broken[short + 1] = broken[short + 1] & ~0xFFFF_FFFF | 99
        #expect(throws: StateDecodingError.self) { try decode(encoded(arena, broken)) }
        // A table whose size is not a power of two.
        #expect(throws: StateDecodingError.self) { try decode(encoded(arena, cells + [0, 0, 0])) }
    }

    @Test func compactTableKeepsEachIdsValueAcrossGrowthAndTellsIdsApart() throws {
        var set = EntitySet()
        let ids = (0 ..< 3_000).map { $0 % 2 == 0 ? "p\($0)" : "a-longer-id-than-eight-bytes-\($0)" }
            + ["", "a", "aa", "ab", "ba", "abcdefgh", "abcdefgh1", "abcdefgh2", "abcdefgh:abcdefgh", "abcdefgh:abcdefgi"]
        func value(_ index: Int) -> UInt64 { UInt64(index) &* 0x0000_9E37_79B9_7F4B & EntitySet.maximumValue }
        for (index, id) in ids.enumerated() {
            var id = id
            id.withUTF8 { bytes in
                let slot = set.slot(of: UnsafeRawBufferPointer(bytes))
                #expect(set[valueAt: slot] == 0)
                set[valueAt: slot] = value(index)
            }
        }
        #expect(set.count == ids.count)
        for (index, id) in ids.enumerated() {
            let slot = try #require(set.existingSlot(of: id), "\(id)")
            #expect(set[valueAt: slot] == value(index), "\(id)")
        }
        #expect(set.existingSlot(of: "abcdefgh3") == nil)
        #expect(set.existingSlot(of: "abcdefg") == nil)
        #expect(set.existingSlot(of: "p1") == nil)
        // The widest value a compact cell keeps leaves its tag intact.
        let widest = try #require(set.existingSlot(of: "abcdefgh1"))
        set[valueAt: widest] = EntitySet.maximumValue
        #expect(set[valueAt: try #require(set.existingSlot(of: "abcdefgh1"))] == EntitySet.maximumValue)
        #expect(set.existingSlot(of: "abcdefgh2").map { set[valueAt: $0] } == value(ids.firstIndex(of: "abcdefgh2")!))
        var total = 0
        set.forEachValue { _ in total += 1 }
        #expect(total == ids.count)

        var writer = ByteWriter()
        set.encode(to: &writer)
        let decoded = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            return try EntitySet.decode(from: &reader)
        }
        #expect(decoded == set)
        // A used cell without the compact layout's tag bit is refused.
        var cells: [UInt64] = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            _ = try reader.readFlat(UInt8.self)
            return try reader.readFlat()
        }
        let used = try #require(stride(from: 1, to: cells.count, by: 2).first { cells[$0] != 0 })
        cells[used] &= ~(1 << 63)
        var broken = ByteWriter()
        broken.writeFlat(set.arena)
        broken.writeFlat(cells)
        #expect(throws: StateDecodingError.self) {
            try broken.bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return try EntitySet.decode(from: &reader)
            }
        }
    }

    @Test func aChallengeWithoutItsRowOfTimesIsRefusedWhenDecoded() throws {
        func state(timed: Bool, rowBits: UInt64?) throws -> [UInt8] {
            var progress = ChallengeProgress(timed: timed)
            for id in ["c1", "c2", "c3-with-a-long-id"] {
                // A payload starting with the challenge id: its length in one byte, then its bytes.
                let payload = [UInt8(id.utf8.count)] + Array(id.utf8)
                try payload.withUnsafeBytes { raw in
                    var reader = PayloadReader(raw)
                    try progress.foldReported(&reader, at: Timestamp(secondsSinceEpoch: 1_700_000_000))
                }
            }
            var writer = ByteWriter()
            progress.encode(to: &writer)
            guard let rowBits else { return writer.bytes }
            // Rewrite one challenge's facts with other row bits, as a damaged snapshot would hold.
            let set = progress.ids
            var cells: [UInt64] = try writer.bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                _ = try reader.read(UInt8.self)
                _ = try reader.readFlat(UInt8.self)
                return try reader.readFlat()
            }
            let used = try #require(stride(from: 1, to: cells.count, by: 2).first { cells[$0] != 0 })
            cells[used] = cells[used] & ~(0xFFFF_FFFF << 16) | rowBits << 16
            var damaged = ByteWriter()
            damaged.write(UInt8(timed ? 1 : 0))
            damaged.writeFlat(set.arena)
            damaged.writeFlat(cells)
            damaged.bytes += writer.bytes.suffix(from: writer.bytes.count - timesBytes(rows: timed ? 3 : 0))
            return damaged.bytes
        }
        func timesBytes(rows: Int) -> Int {
            var writer = ByteWriter()
            var times = StageTimes()
            for _ in 0 ..< rows { times.appendRow() }
            times.encode(to: &writer)
            return writer.bytes.count
        }
        func decode(_ bytes: [UInt8]) throws -> ChallengeProgress {
            try bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return try ChallengeProgress.decode(from: &reader)
            }
        }
        for timed in [true, false] {
            let whole = try decode(try state(timed: timed, rowBits: nil))
            #expect(whole.count == 3)
            #expect(whole.timed == timed)
        }
        // Timed: rows 1 … 3 are stored as 1 … 3 (row + 1); 0 (no row) and 4 (past the end) are not rows.
        #expect(throws: StateDecodingError.self) { try decode(try state(timed: true, rowBits: 0)) }
        #expect(throws: StateDecodingError.self) { try decode(try state(timed: true, rowBits: 4)) }
        #expect(try decode(try state(timed: true, rowBits: 3)).count == 3)
        // Untimed: no row at all.
        #expect(throws: StateDecodingError.self) { try decode(try state(timed: false, rowBits: 1)) }
    }

    @Test("word columns, allocated or mapped, start zeroed, copy on write, and code as flat arrays", arguments: [1_000, WordColumn.mappingThreshold / 8 + 3, WordColumn.hugePage / 8 * 3 + 5])
    func wordColumns(count: Int) throws {
        var column = WordColumn(zeros: count)
        #expect(column.count == count)
        #expect(column.withUnsafeBufferPointer { $0.allSatisfy { $0 == 0 } })
        #if os(Linux)
        if count * 8 >= WordColumn.hugePage {
            // Mapped at a huge page boundary, so that the kernel can back it with huge pages.
            #expect(column.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) % WordColumn.hugePage } == 0)
        }
        #endif
        for index in stride(from: 0, to: count, by: 7) { column[index] = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 }
        let copy = column
        column[0] = 42
        column[count - 1] = 7
        #expect(copy[0] == 0, "a copy keeps its words when the original is written")
        #expect(copy[count - 1] == ((count - 1) % 7 == 0 ? UInt64(count - 1) &* 0x9E37_79B9_7F4A_7C15 : 0))
        #expect(column[0] == 42 && column[count - 1] == 7)
        #expect(copy != column)
        var same = copy
        #expect(same == copy && same.hashValue == copy.hashValue)
        same[3] = copy[3]
        #expect(same == copy)

        var flat = ByteWriter()
        flat.writeFlat(column.withUnsafeBufferPointer { Array($0) })
        var writer = ByteWriter()
        column.encode(to: &writer)
        #expect(writer.bytes == flat.bytes)
        let decoded = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            return try WordColumn.decode(from: &reader)
        }
        #expect(decoded == column)
        #expect(throws: StateDecodingError.self) {
            var odd = ByteWriter()
            odd.writeFlat([UInt8](repeating: 1, count: 12))
            return try odd.bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return try WordColumn.decode(from: &reader)
            }
        }
    }

    @Test func stageTimesGrowByChunksAndEncodeAsOneFlatBlock() throws {
        var times = StageTimes()
        let rows = StageTimes.rowsPerChunk * 2 + 5
        for row in 0 ..< rows {
            times.appendRow()
            if row % 3 == 0 { times[row, row % StageTimes.rowWords] = Int64(row) * 1_000 }
        }
        #expect(times.rows == rows)
        var flat = [Int64](repeating: ChallengeProgress.noTime, count: rows * StageTimes.rowWords)
        for row in stride(from: 0, to: rows, by: 3) { flat[row * StageTimes.rowWords + row % StageTimes.rowWords] = Int64(row) * 1_000 }
        for row in [0, 1, 3, StageTimes.rowsPerChunk - 1, StageTimes.rowsPerChunk, rows - 1] {
            for word in 0 ..< StageTimes.rowWords { #expect(times[row, word] == flat[row * StageTimes.rowWords + word]) }
        }
        var writer = ByteWriter()
        times.encode(to: &writer)
        var expected = ByteWriter()
        expected.writeFlat(flat)
        #expect(writer.bytes == expected.bytes)
        let decoded = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            return try StageTimes.decode(from: &reader, rows: rows)
        }
        #expect(decoded == times)
        #expect(throws: StateDecodingError.self) {
            try writer.bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return try StageTimes.decode(from: &reader, rows: rows + 1)
            }
        }
    }

    /// Every report's state survives encode → decode exactly, with no bytes left over (the
    /// engine's checkpoints and the snapshots as-of queries start from).
    @Test func statesRoundTripThroughTheirEncoding() async throws {
        let history = Array(CareHistory(seed: 8, count: 3_000))
        try await withReports(of: history) { reports in
            try await reports.engine.catchUp()
            try roundTrip(reports.kpiHandle.projection, try reports.engine.state(of: reports.kpiHandle))
            try roundTrip(reports.funnelHandle.projection, try reports.engine.state(of: reports.funnelHandle))
            try roundTrip(reports.geographyHandle.projection, try reports.engine.state(of: reports.geographyHandle))
            try roundTrip(reports.kpiHandle.projection, KPIProjection().initialState())
        }
    }

    func roundTrip<P: Projection>(_ projection: P, _ state: P.State) throws where P.State: Equatable {
        var writer = ByteWriter()
        projection.encode(state, to: &writer)
        let decoded = try writer.bytes.withUnsafeBytes { bytes in
            var reader = ByteReader(bytes)
            let decoded = try projection.decode(from: &reader)
            #expect(reader.isAtEnd)
            return decoded
        }
        #expect(decoded == state)
        // A truncated state is refused, never misread.
        let truncated = Array(writer.bytes.dropLast(3))
        #expect(throws: (any Error).self) {
            try truncated.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes)
                _ = try projection.decode(from: &reader)
            }
        }
    }

    /// A payload that does not match its schema stops each report at that event, with an
    /// error naming the report, the position and the type — and none of the payload.
    @Test func aCorruptPayloadStopsTheReportAtItsPosition() async throws {
        let good = Array(CareHistory(seed: 4, count: 20))
        try await withTemporaryLedger { ledger in
            try await appendInOrder(good, to: ledger)
            let secret: [UInt8] = Array("k9".utf8) + [0x00]          // a course id, then nothing
            let bad = NewEvent(id: "bad", type: "CourseCompleted", occurredAt: Timestamp(secondsSinceEpoch: 1_800_000_000), payload: [2] + secret)
            try await ledger.append([bad], to: "course-k9")
            let engine = try await ProjectionEngine(ledger: ledger)
            let reports = try await CareReports(ledger: ledger, engine: engine)
            do {
                _ = try await reports.kpi()
                Issue.record("the KPI report folded a corrupt payload")
            } catch let ProjectionError.failed(failure) {
                #expect(failure.position == 21)
                #expect(failure.projection == "kpi")
                #expect(failure.reason.contains("CourseCompleted at position 21"))
                #expect(!failure.reason.contains("k9"))
            }
            // As of the position before it, the report is whole.
            #expect(try await reports.kpi(asOf: .position(20))[.challengesReported] != nil)
            // The funnel does not read courses, so it is not affected.
            #expect(try await reports.funnel().stages.count == Stage.progression.count)
        }
    }
}

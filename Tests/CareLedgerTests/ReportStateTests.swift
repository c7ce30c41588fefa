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
        // Only ids longer than 8 bytes are kept in the arena; every id reads back after growth.
        #expect(interner.arena.count == ids.filter { $0.utf8.count > 8 }.reduce(0) { $0 + $1.utf8.count })
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

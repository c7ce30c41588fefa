import Ledger
import Projections

/// The challenges a report has seen, with how far each got: its furthest
/// stage before any drop, whether it was dropped, and when it was reported and entered each
/// stage (the times the funnel's median days need).
///
/// A challenge counts from the first event that names it — its `ProblemReported`, or, in a
/// replay as of a time that leaves the report out, its first `IdeaAdvanced` — and has then
/// reached `reported` (skipped stages count as passed).
///
/// The times are kept only by a table made ``timed`` (the funnel's): a fold that needs only
/// stages (the KPI's) saves the memory and the cache misses of writing them. What a fold
/// reads of a challenge sits in the value of its ``EntitySet`` cell, so a fold touches
/// one cache line to find it and compare its stage: the furthest stage code (bits 0–6),
/// dropped (bit 7), and, when timed, which times are set (bit 8 reported, bits 9–13 the
/// entry into each stage from screening) and the challenge's row of times plus one (bits
/// 16–47). The times themselves (``StageTimes``: 6 words per challenge, the report, then the
/// entry into each stage) are only written by the fold, the first time each is known, never
/// read — so their cache misses do not stall it.
struct ChallengeProgress: Sendable, Hashable {
    /// A time not known: no such event was folded.
    static let noTime = Int64.min
    /// Stages with an `IdeaAdvanced` into them: screening … implemented.
    static let advancedStages = 5
    static let dropped = Stage.dropped.code
    private static let droppedBit: UInt64 = 0x80
    private static let furthestBits: UInt64 = 0x7F
    private static let reportedBit: UInt64 = 1 << 8
    private static let rowShift: UInt64 = 16

    /// Whether the table keeps the times of ``forEachReportedTimes(_:)``.
    private(set) var timed: Bool
    private(set) var ids = EntitySet()
    /// The times of each challenge (empty unless ``timed``).
    private var times = StageTimes()

    /// The number of challenges seen.
    var count: Int { ids.count }

    /// An empty table that keeps times when `timed`.
    init(timed: Bool) { self.timed = timed }

    /// The number of challenges whose stage facts satisfy `predicate` (read them with
    /// ``furthest(_:)`` and ``isDropped(_:)``). O(challenges); allocates nothing.
    func count(where predicate: (UInt64) throws -> Bool) rethrows -> Int { try ids.countValues(where: predicate) }

    /// Calls `body` with each challenge's facts (see ``count(where:)``), in no particular
    /// order. O(challenges); allocates nothing.
    func forEachChallenge(_ body: (UInt64) throws -> Void) rethrows { try ids.forEachValue(body) }

    /// Hints the look-up of challenge `id` (see ``EntityTable/prefetch(_:)``).
    @inline(__always)
    func prefetch(_ id: UnsafeRawBufferPointer) { ids.prefetch(id) }

    /// The furthest stage code reached, from a challenge's `facts` (0, `reported`, until an
    /// advance), dropped excluded.
    static func furthest(_ facts: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: facts & furthestBits) }

    /// Whether the challenge of `facts` was dropped.
    static func isDropped(_ facts: UInt64) -> Bool { facts & droppedBit != 0 }

    /// The slot of the challenge `id`, giving a new one its row of times.
    @inline(__always)
    private mutating func slot(of id: UnsafeRawBufferPointer) -> Int {
        let slot = ids.slot(of: id)
        if timed && ids.count != times.rows {
            times.appendRow()
            ids[valueAt: slot] = UInt64(times.rows) << Self.rowShift
        }
        return slot
    }

    /// Folds a `ProblemReported` payload (`challenge` first) that happened at `time`.
    @inline(__always)
    mutating func foldReported(_ payload: inout PayloadReader, at time: Timestamp) throws(PayloadReader.Truncated) {
        let slot = slot(of: try payload.readIdentifier())
        guard timed else { return }
        let facts = ids[valueAt: slot]
        if facts & Self.reportedBit == 0 {
            ids[valueAt: slot] = facts | Self.reportedBit
            times[Self.row(facts), 0] = time.rawValue
        }
    }

    /// Folds an `IdeaAdvanced` payload (`challenge`, `stage`) that happened at `time`.
    @inline(__always)
    mutating func foldAdvanced(_ payload: inout PayloadReader, at time: Timestamp) throws(PayloadReader.Truncated) {
        let slot = slot(of: try payload.readIdentifier())
        let stage = try payload.readCode()
        var facts = ids[valueAt: slot]
        if stage == Self.dropped {
            facts |= Self.droppedBit
        } else if stage >= 1 && stage < Self.dropped {
            if UInt64(stage) > facts & Self.furthestBits { facts = facts & ~Self.furthestBits | UInt64(stage) }
            let enteredBit = Self.reportedBit << UInt64(stage)
            if timed && facts & enteredBit == 0 {
                facts |= enteredBit
                times[Self.row(facts), Int(stage)] = time.rawValue
            }
        }
        ids[valueAt: slot] = facts
    }

    /// The row of times of the challenge of `facts` (timed tables only).
    @inline(__always)
    private static func row(_ facts: UInt64) -> Int { Int(truncatingIfNeeded: facts >> rowShift & 0xFFFF_FFFF) &- 1 }

    /// Calls `body` with each reported challenge's report time and row of times, whose word
    /// `stage.code` is the entry into `stage` (screening … implemented) or ``noTime`` (timed
    /// tables only). In challenge-number order, so the times are read sequentially, not in the
    /// hash order of ``forEachChallenge(_:)``. O(challenges); allocates nothing.
    func forEachReportedTimes(_ body: (_ reported: Int64, _ row: UnsafeBufferPointer<Int64>) throws -> Void) rethrows {
        try times.forEachRow { row in
            if row[0] != Self.noTime { try body(row[0], row) }
        }
    }

    /// Writes the table as flat blocks.
    func encode(to writer: inout ByteWriter) {
        writer.write(UInt8(timed ? 1 : 0))
        ids.encode(to: &writer)
        times.encode(to: &writer)
    }

    /// Reads what ``encode(to:)`` wrote, checking that every challenge's row of times exists
    /// (none in an untimed table).
    static func decode(from reader: inout ByteReader) throws -> ChallengeProgress {
        var progress = ChallengeProgress(timed: try reader.read(UInt8.self) == 1)
        progress.ids = try EntitySet.decode(from: &reader)
        let rows = progress.timed ? progress.ids.count : 0
        progress.times = try StageTimes.decode(from: &reader, rows: rows)
        let misplaced = progress.ids.countValues { facts in
            progress.timed ? !(0 ..< rows).contains(row(facts)) : facts >> rowShift != 0
        }
        guard misplaced == 0 else { throw StateDecodingError(offset: reader.offset, reason: "challenge without its row of times") }
        return progress
    }
}

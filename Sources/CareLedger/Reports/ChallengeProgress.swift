import Ledger
import Projections

/// The challenges a report has seen, numbered densely, with how far each got: its furthest
/// stage before any drop, whether it was dropped, and when it was reported and entered each
/// stage (the times the funnel's median days need).
///
/// A challenge counts from the first event that names it — its `ProblemReported`, or, in a
/// replay as of a time that leaves the report out, its first `IdeaAdvanced` — and has then
/// reached `reported` (skipped stages count as passed).
///
/// The times are kept only by a table made ``timed`` (the funnel's): a fold that needs only
/// stages (the KPI's) saves the memory and the cache misses of writing them. What a fold
/// reads of a challenge sits in the value of its ``EntityInterner`` cell, so a fold touches
/// one cache line to find it and compare its stage: the furthest stage code (bits 0–6),
/// dropped (bit 7), and, when timed, which times are set (bit 8 reported, bits 9–13 the
/// entry into each stage from screening). The times themselves (6 words per challenge: the
/// report, then the entry into each stage) are only written by the fold, the first time each
/// is known, never read — so their cache misses do not stall it.
struct ChallengeProgress: Sendable, Hashable {
    /// A time not known: no such event was folded.
    static let noTime = Int64.min
    /// Stages with an `IdeaAdvanced` into them: screening … implemented.
    static let advancedStages = 5
    static let dropped = Stage.dropped.code
    private static let droppedBit: UInt64 = 0x80
    private static let furthestBits: UInt64 = 0x7F
    private static let reportedBit: UInt64 = 1 << 8
    /// Words per challenge in ``times``: the report time, then 5 entry times.
    private static let rowWords = 1 + advancedStages

    /// Whether the table keeps ``reported(_:)`` and ``entered(_:_:)``.
    private(set) var timed: Bool
    private(set) var ids = EntityInterner()
    /// ``rowWords`` times per challenge (empty unless ``timed``).
    private var times: [Int64] = []

    /// The number of challenges seen.
    var count: Int { ids.count }

    /// An empty table that keeps times when `timed`.
    init(timed: Bool) { self.timed = timed }

    /// Each challenge's stage facts, by number (read with ``furthest(_:)`` and ``isDropped(_:)``).
    func stages() -> [UInt64] { ids.values() }

    /// Hints the look-up of challenge `id` (see ``EntityInterner/prefetch(_:)``).
    @inline(__always)
    func prefetch(_ id: UnsafeRawBufferPointer) { ids.prefetch(id) }

    /// The furthest stage code reached, from `facts` of ``stages()`` (0, `reported`, until an
    /// advance), dropped excluded.
    static func furthest(_ facts: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: facts & furthestBits) }

    /// Whether the challenge of `facts` of ``stages()`` was dropped.
    static func isDropped(_ facts: UInt64) -> Bool { facts & droppedBit != 0 }

    /// The slot of the challenge `id`, giving a new one its row of times.
    @inline(__always)
    private mutating func slot(of id: UnsafeRawBufferPointer) -> Int {
        let slot = ids.slot(of: id)
        if timed && ids.count &* Self.rowWords != times.count {
            for _ in 0 ..< Self.rowWords { times.append(Self.noTime) }
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
            times[ids.number(atSlot: slot) &* Self.rowWords] = time.rawValue
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
                times[ids.number(atSlot: slot) &* Self.rowWords &+ Int(stage)] = time.rawValue
            }
        }
        ids[valueAt: slot] = facts
    }

    /// When the challenge numbered `index` entered `stage` (screening … implemented), or `nil`
    /// (always `nil` unless ``timed``).
    func entered(_ index: Int, _ stage: Stage) -> Int64? {
        guard timed else { return nil }
        let time = times[index * Self.rowWords + Int(stage.code)]
        return time == Self.noTime ? nil : time
    }

    /// When the challenge numbered `index` was reported, or `nil`.
    func reported(_ index: Int) -> Int64? {
        guard timed else { return nil }
        let time = times[index * Self.rowWords]
        return time == Self.noTime ? nil : time
    }

    /// Writes the table as flat blocks.
    func encode(to writer: inout ByteWriter) {
        writer.write(UInt8(timed ? 1 : 0))
        ids.encode(to: &writer)
        writer.writeFlat(times)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout ByteReader) throws -> ChallengeProgress {
        var progress = ChallengeProgress(timed: try reader.read(UInt8.self) == 1)
        progress.ids = try EntityInterner.decode(from: &reader)
        progress.times = try reader.readFlat(count: progress.timed ? progress.ids.count * rowWords : 0)
        return progress
    }
}

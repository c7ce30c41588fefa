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
/// stages (the KPI's) saves the memory and the cache misses of writing them.
struct ChallengeProgress: Sendable, Hashable {
    /// A time not known: no such event was folded.
    static let noTime = Int64.min
    /// Stages with an `IdeaAdvanced` into them: screening … implemented.
    static let advancedStages = 5
    static let dropped = Stage.dropped.code

    /// Whether the table keeps ``reportedAt`` and ``enteredAt``.
    private(set) var timed: Bool
    private(set) var ids = EntityInterner()
    /// The furthest stage code reached (0, `reported`, until an advance), dropped excluded.
    private(set) var furthest: [UInt8] = []
    /// 1 when an `IdeaAdvanced` into `dropped` was folded.
    private(set) var droppedFlags: [UInt8] = []
    /// `occurredAt` of the `ProblemReported`, or ``noTime`` (empty unless ``timed``).
    private(set) var reportedAt: [Int64] = []
    /// `occurredAt` of the `IdeaAdvanced` into each stage from screening (5 per challenge;
    /// empty unless ``timed``).
    private(set) var enteredAt: [Int64] = []

    /// The number of challenges seen.
    var count: Int { ids.count }

    /// An empty table that keeps times when `timed`.
    init(timed: Bool) { self.timed = timed }

    @inline(__always)
    private mutating func index(of id: UnsafeRawBufferPointer) -> Int {
        let index = ids.intern(id)
        if index == furthest.count {
            furthest.append(0)
            droppedFlags.append(0)
            if timed {
                reportedAt.append(Self.noTime)
                for _ in 0 ..< Self.advancedStages { enteredAt.append(Self.noTime) }
            }
        }
        return index
    }

    /// Folds a `ProblemReported` payload (`challenge` first) that happened at `time`.
    @inline(__always)
    mutating func foldReported(_ payload: inout PayloadReader, at time: Timestamp) throws(PayloadReader.Truncated) {
        let index = index(of: try payload.readIdentifier())
        if timed && reportedAt[index] == Self.noTime { reportedAt[index] = time.rawValue }
    }

    /// Folds an `IdeaAdvanced` payload (`challenge`, `stage`) that happened at `time`.
    ///
    /// - Returns: the furthest stage code before and after the event.
    @inline(__always) @discardableResult
    mutating func foldAdvanced(_ payload: inout PayloadReader, at time: Timestamp) throws(PayloadReader.Truncated) -> (before: UInt8, after: UInt8) {
        let index = index(of: try payload.readIdentifier())
        let stage = try payload.readCode()
        let before = furthest[index]
        if stage == Self.dropped {
            droppedFlags[index] = 1
        } else if stage >= 1 && stage < Self.dropped {
            if stage > before { furthest[index] = stage }
            guard timed else { return (before, furthest[index]) }
            let slot = index &* Self.advancedStages &+ Int(stage) &- 1
            if enteredAt[slot] == Self.noTime { enteredAt[slot] = time.rawValue }
        }
        return (before, furthest[index])
    }

    /// Whether the challenge numbered `index` was dropped.
    func isDropped(_ index: Int) -> Bool { droppedFlags[index] != 0 }

    /// When the challenge numbered `index` entered `stage` (screening … implemented), or `nil`
    /// (always `nil` unless ``timed``).
    func entered(_ index: Int, _ stage: Stage) -> Int64? {
        guard timed else { return nil }
        let time = enteredAt[index * Self.advancedStages + Int(stage.code) - 1]
        return time == Self.noTime ? nil : time
    }

    /// When the challenge numbered `index` was reported, or `nil`.
    func reported(_ index: Int) -> Int64? {
        guard timed else { return nil }
        return reportedAt[index] == Self.noTime ? nil : reportedAt[index]
    }

    /// Writes the table as flat blocks.
    func encode(to writer: inout ByteWriter) {
        writer.write(UInt8(timed ? 1 : 0))
        ids.encode(to: &writer)
        writer.writeFlat(furthest)
        writer.writeFlat(droppedFlags)
        writer.writeFlat(reportedAt)
        writer.writeFlat(enteredAt)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout ByteReader) throws -> ChallengeProgress {
        var progress = ChallengeProgress(timed: try reader.read(UInt8.self) == 1)
        progress.ids = try EntityInterner.decode(from: &reader)
        let count = progress.ids.count
        let timedCount = progress.timed ? count : 0
        progress.furthest = try reader.readFlat(count: count)
        progress.droppedFlags = try reader.readFlat(count: count)
        progress.reportedAt = try reader.readFlat(count: timedCount)
        progress.enteredAt = try reader.readFlat(count: timedCount * advancedStages)
        return progress
    }
}

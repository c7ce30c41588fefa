public import Ledger
public import Projections

/// The funnel report as a projection: each challenge's furthest stage, whether it was dropped,
/// and when it was reported and entered each stage (see <doc:Reports>).
///
/// Folds `ProblemReported` and `IdeaAdvanced`, reading the challenge id and the stage in
/// place; per event it allocates nothing but amortized table growth.
public struct FunnelProjection: Projection {
    /// The challenges' progress, in flat columns.
    public struct State: Sendable, Hashable {
        var challenges = ChallengeProgress(timed: true)
    }

    let tags = CareTags()

    /// Creates the projection.
    public init() {}

    /// `funnel`.
    public var name: String { "funnel" }
    /// The fold's version: 4 (states of version 3 kept an array of arena offsets beside each
    /// id table, version 2 every id's bytes in the arenas, version 1 a column per fact).
    public var version: UInt32 { 4 }
    /// `ProblemReported` and `IdeaAdvanced`.
    public var eventTypes: [String] { [CareEventType.problemReported.name, CareEventType.ideaAdvanced.name] }

    /// An empty state.
    public func initialState() -> State { State() }

    /// Folds one event.
    ///
    /// - Throws: ``ReportFoldError`` when the payload does not match its schema.
    public func apply(_ record: RecordView, to state: inout State) throws {
        let tag = record.typeTag
        try record.readCarePayload(for: name, tags: tags) { payload throws(PayloadReader.Truncated) in
            switch tag {
            case tags.problemReported: try state.challenges.foldReported(&payload, at: record.occurredAt)
            case tags.ideaAdvanced: try state.challenges.foldAdvanced(&payload, at: record.occurredAt)
            default: break
            }
        }
    }

    /// Hints the challenge cell ``apply(_:to:)`` will look up for `record`.
    public func prefetch(_ record: RecordView, in state: inout State) {
        record.hintCarePayload(tags: tags) { payload throws(PayloadReader.Truncated) in
            state.challenges.prefetch(try payload.readIdentifier())
        }
    }

    /// Writes the state as flat blocks.
    public func encode(_ state: State, to writer: inout ByteWriter) {
        state.challenges.encode(to: &writer)
    }

    /// Reads a state written by ``encode(_:to:)``.
    ///
    /// - Throws: `StateDecodingError` for truncated or inconsistent bytes.
    public func decode(from reader: inout ByteReader) throws -> State {
        State(challenges: try ChallengeProgress.decode(from: &reader))
    }

    /// The report of `state`: one pass over the challenges' stage facts for the counts, one in
    /// order over their times for the days, then a median per stage. O(challenges).
    public func report(_ state: State) -> FunnelReport {
        let challenges = state.challenges
        // Challenges per furthest stage code (a code is 7 bits), and the dropped ones.
        var furthest = [Int](repeating: 0, count: 128)
        var dropped = 0
        challenges.forEachChallenge { facts in
            furthest[Int(ChallengeProgress.furthest(facts))] += 1
            if ChallengeProgress.isDropped(facts) { dropped += 1 }
        }
        // The days from report to entry of each stage, indexed by the stage's code.
        var days = [[Double]](repeating: [], count: Stage.progression.count)
        challenges.forEachReportedTimes { reported, row in
            for stage in 1 ..< days.count where row[stage] != ChallengeProgress.noTime {
                days[stage].append(FunnelReport.days(from: reported, to: row[stage]))
            }
        }
        var stages: [FunnelStage] = []
        var previous: Int?
        for stage in Stage.progression {
            let reached = furthest[Int(stage.code)...].reduce(0, +)
            let conversion = previous.flatMap { $0 > 0 ? Double(reached) / Double($0) : nil }
            let median = FunnelReport.median(selecting: &days[Int(stage.code)])
            stages.append(FunnelStage(stage: stage, reached: reached, conversion: conversion, medianDays: median))
            previous = reached
        }
        return FunnelReport(stages: stages, dropped: dropped)
    }
}

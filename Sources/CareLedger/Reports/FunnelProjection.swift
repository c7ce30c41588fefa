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

    /// The report of `state`. O(challenges · log challenges), for the medians.
    public func report(_ state: State) -> FunnelReport {
        let challenges = state.challenges
        var stages: [FunnelStage] = []
        var previous: Int?
        for stage in Stage.progression {
            let reached = challenges.count { ChallengeProgress.furthest($0) >= stage.code }
            let conversion = previous.flatMap { $0 > 0 ? Double(reached) / Double($0) : nil }
            var days: [Double] = []
            if stage != .reported {
                days.reserveCapacity(reached)
                challenges.forEachChallenge { facts in
                    guard let reported = challenges.reported(facts), let entered = challenges.entered(facts, stage) else { return }
                    days.append(FunnelReport.days(from: reported, to: entered))
                }
            }
            let median = FunnelReport.median(sorting: &days)
            stages.append(FunnelStage(stage: stage, reached: reached, conversion: conversion, medianDays: median))
            previous = reached
        }
        let dropped = challenges.count(where: ChallengeProgress.isDropped)
        return FunnelReport(stages: stages, dropped: dropped)
    }
}

import Ledger
import Projections

// Three synthetic projections standing in for the domain's reports, which do not exist yet:
// each has the shape of one family of report (KPI counters, a funnel, a geography of distinct
// members) and the cost profile that shape implies, so that the replay benchmarks measure the
// engine under a realistic fold rather than an empty one. Replace them with the real reports
// once those exist.
//
// Rules they follow, as a real report should: decode only the fields they use, in place
// (header fields and fixed payload offsets of `RecordView`); compare type tags computed once
// (``ReplayTags``); never allocate per event (state grows by doubling only).

/// The event type tags the projections compare with, computed once.
enum ReplayTags {
    static let participantJoined = EventTypeTag(EventKind.participantJoined.name)
    static let stageAdvanced = EventTypeTag(EventKind.stageAdvanced.name)
    static let stageReverted = EventTypeTag(EventKind.stageReverted.name)
    static let sessionAttended = EventTypeTag(EventKind.sessionAttended.name)
    static let contributionLogged = EventTypeTag(EventKind.contributionLogged.name)
    static let feedbackGiven = EventTypeTag(EventKind.feedbackGiven.name)
    static let regionChanged = EventTypeTag(EventKind.regionChanged.name)
    static let noteAdded = EventTypeTag(EventKind.noteAdded.name)
}

/// A payload shorter than the generated layout (see ``History``).
struct ShortPayload: Error, CustomStringConvertible {
    let count: Int
    var description: String { "payload of \(count) bytes; the layout needs \(History.payloadFixedSize)" }
}

// MARK: - The engine's floor

/// Not a report: consumes every type and only counts, so a replay of it alone is the engine's
/// own cost (the log read, the header parsed, the dispatch to a slot) with next to no fold —
/// the context row that splits a replay's gap to the C scan into engine and projections.
struct NoOpProjection: Projection {
    var name: String { "no-op" }
    var version: UInt32 { 1 }
    var eventTypes: [String] { EventKind.allCases.map(\.name) }
    func initialState() -> UInt64 { 0 }
    func apply(_ event: RecordView, to state: inout UInt64) throws { state &+= 1 }
    func encode(_ state: UInt64, to writer: inout ByteWriter) { writer.write(state) }
    func decode(from reader: inout ByteReader) throws -> UInt64 { try reader.read(UInt64.self) }
}

// MARK: - KPI-like

/// KPI-like: per event type, the number of events and the sum of the payload's value field,
/// and the number of events per month of `occurredAt` (36 months from 2022-01, later ones in
/// the last bucket) — the counters a dashboard of key figures is made of. Consumes all eight
/// types; its state is a few hundred integers.
struct EventCounters: Projection {
    struct State: Sendable, Equatable {
        var counts = [UInt64](repeating: 0, count: EventKind.allCases.count)
        var valueSums = [UInt64](repeating: 0, count: EventKind.allCases.count)
        var perMonth = [UInt64](repeating: 0, count: EventCounters.months)

        var total: UInt64 { counts.reduce(0, +) }
    }

    static let months = 37
    /// An average month (365.25 / 12 days), in microseconds.
    static let month: Int64 = 2_629_800_000_000

    var suffix = ""
    var name: String { "kpi-counters" + suffix }
    /// 2: same fold, rebuilt so that stores made before get its snapshots every 10,000 events.
    var version: UInt32 { 2 }
    var eventTypes: [String] { EventKind.allCases.map(\.name) }
    /// A state of under 1 kB: a snapshot every 10,000 events costs the store 1 MB per 10 M
    /// events and bounds an as-of query's fold to 10,000 events (the others keep the
    /// engine's interval, ``asOfSnapshotInterval``, since their snapshots are megabytes).
    var snapshotInterval: UInt64? { EventCounters.snapshotInterval }
    static let snapshotInterval: UInt64 = 10_000

    func initialState() -> State { State() }

    /// The index of the type of `tag` in ``EventKind``.
    @inline(__always)
    static func kind(_ tag: EventTypeTag) -> Int {
        switch tag {
        case ReplayTags.sessionAttended: 3
        case ReplayTags.contributionLogged: 4
        case ReplayTags.stageAdvanced: 1
        case ReplayTags.noteAdded: 7
        case ReplayTags.feedbackGiven: 5
        case ReplayTags.participantJoined: 0
        case ReplayTags.stageReverted: 2
        default: 6
        }
    }

    func apply(_ event: RecordView, to state: inout State) throws {
        let payload = event.payload
        guard payload.count >= History.payloadFixedSize else { throw ShortPayload(count: payload.count) }
        let kind = Self.kind(event.typeTag)
        let value = UInt32(littleEndian: payload.loadUnaligned(as: UInt32.self))
        state.counts[kind] &+= 1
        state.valueSums[kind] &+= UInt64(value)
        let month = (event.occurredAt.rawValue - History.start.rawValue) / Self.month
        state.perMonth[Int(Swift.max(0, Swift.min(Int64(Self.months - 1), month)))] &+= 1
    }

    func encode(_ state: State, to writer: inout ByteWriter) {
        for array in [state.counts, state.valueSums, state.perMonth] {
            writer.writeLength(array.count)
            for value in array { writer.write(value) }
        }
    }

    func decode(from reader: inout ByteReader) throws -> State {
        func array() throws -> [UInt64] {
            let count = try reader.readLength()
            return try (0 ..< count).map { _ in try reader.read(UInt64.self) }
        }
        return State(counts: try array(), valueSums: try array(), perMonth: try array())
    }
}

// MARK: - Funnel-like

/// Funnel-like: the stage (0–7) each participant has reached, as a dictionary from the
/// participant's 64-bit id (read from the payload) to a stage byte; its summary is the
/// number of participants per stage and the median stage, what a funnel report shows.
/// Consumes three types (about a fifth of the events); its state has one entry per
/// participant (100 k).
struct StageTracker: Projection {
    struct State: Sendable, Equatable {
        var stages = UInt64ByteMap()
    }

    struct Summary: Equatable {
        var perStage: [Int]
        var median: Int
    }

    var suffix = ""
    var name: String { "funnel-stages" + suffix }
    /// 2: the state is a flat table written in bulk (1 wrote entry by entry).
    var version: UInt32 { 2 }
    var eventTypes: [String] { [EventKind.participantJoined.name, EventKind.stageAdvanced.name, EventKind.stageReverted.name] }

    func initialState() -> State { State() }

    func apply(_ event: RecordView, to state: inout State) throws {
        let payload = event.payload
        guard payload.count >= History.payloadFixedSize else { throw ShortPayload(count: payload.count) }
        let entity = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: History.entityOffset, as: UInt64.self))
        let stage: UInt8 = event.typeTag == ReplayTags.participantJoined
            ? 0 : UInt8(truncatingIfNeeded: UInt32(littleEndian: payload.loadUnaligned(as: UInt32.self)))
        state.stages.set(stage, for: entity)
    }

    func encode(_ state: State, to writer: inout ByteWriter) {
        state.stages.encode(to: &writer)
    }

    func decode(from reader: inout ByteReader) throws -> State {
        State(stages: try UInt64ByteMap.decode(from: &reader))
    }

    /// Participants per stage, and the median stage.
    static func summary(_ state: State) -> Summary {
        var perStage = [Int](repeating: 0, count: 8)
        for stage in state.stages.allValues { perStage[Int(stage & 7)] += 1 }
        var seen = 0
        var median = 0
        for (stage, count) in perStage.enumerated() {
            seen += count
            if seen * 2 >= state.stages.count { median = stage; break }
        }
        return Summary(perStage: perStage, median: median)
    }
}

// MARK: - Geography-like

/// Geography-like: the number of distinct members seen per municipality. Maps each
/// municipality code (8 ASCII bytes of the payload) and each member (the stream name, 18
/// bytes) to a small integer with a ``ByteInterner`` — no `String` per event — then counts
/// distinct (municipality, member) pairs in a ``UInt64Set``. Consumes the four types that
/// place a member somewhere (about three fifths of the events).
struct DistinctMembers: Projection {
    struct State: Sendable {
        var regions = ByteInterner()
        var members = ByteInterner()
        var pairs = UInt64Set()
        /// Distinct members per region, by the region's number in ``regions``.
        var perRegion: [UInt32] = []
    }

    struct Summary: Equatable {
        var regions: Int
        var members: Int
        var pairs: Int
        var perRegion: [UInt32]
    }

    var suffix = ""
    var name: String { "geo-distinct-members" + suffix }
    /// 2: the tables are written in bulk as laid out (1 wrote entries and rebuilt the tables).
    var version: UInt32 { 2 }
    var eventTypes: [String] {
        [EventKind.participantJoined.name, EventKind.regionChanged.name, EventKind.sessionAttended.name, EventKind.contributionLogged.name]
    }

    func initialState() -> State { State() }

    func apply(_ event: RecordView, to state: inout State) throws {
        let payload = event.payload
        guard payload.count >= History.payloadFixedSize else { throw ShortPayload(count: payload.count) }
        let region = state.regions.intern(UnsafeRawBufferPointer(rebasing: payload[History.regionOffset ..< History.regionOffset + 8]))
        let member = state.members.intern(event.streamBytes)
        if state.pairs.insert(UInt64(region + 1) << 32 | UInt64(member)) {
            if region >= state.perRegion.count { state.perRegion.append(0) }
            state.perRegion[region] &+= 1
        }
    }

    /// Every part in bulk, as laid out in memory: decoding is a few copies and checks, not
    /// a rebuild of the tables (what keeps an as-of query from a snapshot fast).
    func encode(_ state: State, to writer: inout ByteWriter) {
        state.regions.encode(to: &writer)
        state.members.encode(to: &writer)
        state.pairs.encode(to: &writer)
        writer.writeArray(state.perRegion)
    }

    func decode(from reader: inout ByteReader) throws -> State {
        var state = State()
        state.regions = try ByteInterner.decode(from: &reader)
        state.members = try ByteInterner.decode(from: &reader)
        state.pairs = try UInt64Set.decode(from: &reader)
        state.perRegion = try reader.readArray(of: UInt32.self)
        guard state.perRegion.count == state.regions.count,
              state.perRegion.reduce(0, { $0 + Int($1) }) == state.pairs.count
        else { throw StateDecodingError(offset: reader.offset, reason: "distinct members per region do not add up to the pairs") }
        return state
    }

    static func summary(_ state: State) -> Summary {
        Summary(regions: state.regions.count, members: state.members.count, pairs: state.pairs.count, perRegion: state.perRegion)
    }
}

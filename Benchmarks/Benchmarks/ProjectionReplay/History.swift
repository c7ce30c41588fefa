import Ledger

/// The event types of the generated history, with how often each follows a participant's
/// first event (which is always ``participantJoined``).
///
/// The projections compute their tags from these names once (see ``ReplayTags``).
enum EventKind: Int, CaseIterable {
    case participantJoined
    case stageAdvanced
    case stageReverted
    case sessionAttended
    case contributionLogged
    case feedbackGiven
    case regionChanged
    case noteAdded

    var name: String {
        switch self {
        case .participantJoined: "ParticipantJoined"
        case .stageAdvanced: "StageAdvanced"
        case .stageReverted: "StageReverted"
        case .sessionAttended: "SessionAttended"
        case .contributionLogged: "ContributionLogged"
        case .feedbackGiven: "FeedbackGiven"
        case .regionChanged: "RegionChanged"
        case .noteAdded: "NoteAdded"
        }
    }

    /// Percent of the events after a participant's first.
    var weight: Int {
        switch self {
        case .participantJoined: 0
        case .stageAdvanced: 14
        case .stageReverted: 3
        case .sessionAttended: 35
        case .contributionLogged: 20
        case .feedbackGiven: 12
        case .regionChanged: 2
        case .noteAdded: 14
        }
    }
}

/// SplitMix64: small, fast, deterministic pseudo-random numbers from a seed.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A bijection of 64-bit integers that scrambles its input (SplitMix64's finaliser).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A number in `0 ..< bound` (the modulo bias is irrelevant here).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A number in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// A generated history of a participation programme, deterministic from a seed: what the
/// replay benchmarks fold.
///
/// - **Streams**: ``streams`` participants, `participant-000000` …, joining over the three
///   years (participant `s` becomes active about when the log reaches `s / streams` of its
///   length, the first thousand at once); each event goes to a participant drawn uniformly
///   from those active, and a participant's first event is always `ParticipantJoined`.
/// - **Types**: the eight of ``EventKind``; a `StageAdvanced` draw advances the stage with
///   probability 2 / (stage + 3), falling with the stage (a funnel), and a `StageReverted` draw
///   reverts it only above stage 0 (otherwise either is a `SessionAttended`).
/// - **Ids**: ULID-shaped (26 characters of Crockford base 32: the recording time in
///   milliseconds, then 80 bits whose first 64 are a bijection of the event's number, so ids
///   are unique and roughly time-ordered, as real ULIDs are).
/// - **Times**: `occurredAt` spreads over three years from 2022-01-01 along the log, a few
///   hours before the event is recorded; 2% arrive late, 1–120 days after they happened.
/// - **Metadata**: `actor` = `staff-0042` (one of 400).
/// - **Payload** (little-endian), 24 bytes and 0–15 bytes of padding, so that records average
///   about 200 bytes:
///
///   | offset | size | field |
///   |---|---|---|
///   | 0 | 4 | value (u32): the new stage (`ParticipantJoined` 0, `StageAdvanced`, `StageReverted`), minutes (`SessionAttended`), amount (`ContributionLogged`), score (`FeedbackGiven`), else 0 |
///   | 4 | 4 | actor number (u32) |
///   | 8 | 8 | participant id (u64), the entity of the stream |
///   | 16 | 8 | municipality code, ASCII, e.g. `NO-03001` (356 codes) |
///   | 24 | 0–15 | padding |
///
/// Events are handed out in batches of ``StreamAppend``s, one per participant in the batch,
/// in the order each participant first appears in it: one atomic multi-stream append.
struct History {
    /// Bumped whenever anything above changes, or the ledger lays an append's pages out
    /// differently (3: an append's records one after the other, after their index entries), so
    /// cached stores of the old shape are not reused.
    static let formatVersion = 3
    static let streams = 100_000
    static let regions = 356
    static let actors = 400
    /// 2022-01-01T00:00:00Z.
    static let start = Timestamp(secondsSinceEpoch: 1_640_995_200)
    /// Three years (1096 days), in microseconds.
    static let span: Int64 = 1096 * 86_400 * 1_000_000
    /// Offset of the municipality code in the payload.
    static let regionOffset = 16
    /// Offset of the participant id in the payload.
    static let entityOffset = 8
    static let payloadFixedSize = 24

    let events: Int
    let seed: UInt64
    private var random: SplitMix64
    private(set) var generated = 0
    private var versions: [UInt32]
    private var stages: [UInt8]
    private var regionOf: [UInt16]
    private var slotInBatch: [Int32]
    private let streamNames: [String]
    private let actorNames: [String]
    private let regionCodes: [[UInt8]]
    private let kindTable: [EventKind]

    init(events: Int, seed: UInt64) {
        self.events = events
        self.seed = seed
        random = SplitMix64(seed: seed)
        versions = Array(repeating: 0, count: Self.streams)
        stages = Array(repeating: 0, count: Self.streams)
        regionOf = (0 ..< Self.streams).map { UInt16(SplitMix64.mix(UInt64($0) ^ seed) % UInt64(Self.regions)) }
        slotInBatch = Array(repeating: -1, count: Self.streams)
        streamNames = (0 ..< Self.streams).map { "participant-" + Self.digits($0, 6) }
        actorNames = (0 ..< Self.actors).map { "staff-" + Self.digits($0, 4) }
        regionCodes = (0 ..< Self.regions).map { Self.regionCode($0) }
        kindTable = EventKind.allCases.flatMap { Array(repeating: $0, count: $0.weight) }
    }

    /// The participant id of stream `s`: a scrambled 64-bit number, never 0.
    static func entity(_ stream: Int, seed: UInt64) -> UInt64 {
        SplitMix64.mix(UInt64(stream) &+ seed &* 0x9E37_79B9_7F4A_7C15) | 1
    }

    /// `NO-` and a two-digit county and three-digit number: 8 bytes.
    static func regionCode(_ index: Int) -> [UInt8] {
        Array(("NO-" + digits(index % 11 + 1, 2) + digits(index / 11 + 1, 3)).utf8)
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// The next `count` events (fewer at the end), as one multi-stream append.
    mutating func nextBatch(_ count: Int) -> [StreamAppend] {
        let end = min(events, generated + count)
        var appends: [StreamAppend] = []
        var touched: [Int] = []
        while generated < end {
            let (stream, event) = nextEvent()
            let slot = slotInBatch[stream]
            if slot < 0 {
                slotInBatch[stream] = Int32(appends.count)
                touched.append(stream)
                appends.append(StreamAppend([event], to: streamNames[stream]))
            } else {
                appends[Int(slot)].events.append(event)
            }
        }
        for stream in touched { slotInBatch[stream] = -1 }
        return appends
    }

    private mutating func nextEvent() -> (Int, NewEvent) {
        let number = generated
        generated += 1
        let fraction = Double(number) / Double(events)
        let active = min(Self.streams, 1_000 + Int(fraction * Double(Self.streams - 1_000)))
        let stream = random.below(active)
        let recorded = Self.start.rawValue + Int64(fraction * Double(Self.span))
        var occurred = recorded - Int64(random.below(6 * 3_600)) * 1_000_000
        if random.below(100) < 2 { occurred -= Int64(1 + random.below(120)) * 86_400 * 1_000_000 }
        occurred = max(Self.start.rawValue, occurred)

        var kind = versions[stream] == 0 ? EventKind.participantJoined : kindTable[random.below(kindTable.count)]
        var value: UInt32 = 0
        switch kind {
        case .participantJoined:
            stages[stream] = 0
        case .stageAdvanced:
            let stage = Int(stages[stream])
            if stage < 7 && random.below(stage + 3) < 2 {
                stages[stream] += 1
                value = UInt32(stages[stream])
            } else {
                kind = .sessionAttended
                value = UInt32(15 + random.below(166))
            }
        case .stageReverted:
            if stages[stream] > 0 {
                stages[stream] -= 1
                value = UInt32(stages[stream])
            } else {
                kind = .sessionAttended
                value = UInt32(15 + random.below(166))
            }
        case .sessionAttended: value = UInt32(15 + random.below(166))
        case .contributionLogged: value = UInt32(50 + random.below(5_000))
        case .feedbackGiven: value = UInt32(1 + random.below(5))
        case .regionChanged: regionOf[stream] = UInt16(random.below(Self.regions))
        case .noteAdded: break
        }
        versions[stream] += 1

        let actor = random.below(Self.actors)
        let padding = random.below(16)
        var payload = [UInt8](repeating: 0, count: Self.payloadFixedSize + padding)
        payload.withUnsafeMutableBytes { out in
            out.storeBytes(of: value.littleEndian, toByteOffset: 0, as: UInt32.self)
            out.storeBytes(of: UInt32(actor).littleEndian, toByteOffset: 4, as: UInt32.self)
            out.storeBytes(of: Self.entity(stream, seed: seed).littleEndian, toByteOffset: Self.entityOffset, as: UInt64.self)
            for (i, byte) in regionCodes[Int(regionOf[stream])].enumerated() { out[Self.regionOffset + i] = byte }
            for i in 0 ..< padding { out[Self.payloadFixedSize + i] = UInt8(truncatingIfNeeded: number &+ i) | 0x20 }
        }
        let id = ulid(milliseconds: UInt64(recorded / 1_000), number: UInt64(number))
        let event = NewEvent(
            id: id, type: kind.name, occurredAt: Timestamp(rawValue: occurred),
            metadata: ["actor": actorNames[actor]], payload: payload)
        return (stream, event)
    }

    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A ULID: 48 bits of time in 10 characters, then 80 bits in 16, the first 64 of them a
    /// bijection of `number` (so unique), the last 16 random.
    private mutating func ulid(milliseconds: UInt64, number: UInt64) -> String {
        let high = SplitMix64.mix(number ^ seed)
        let low = random.next() & 0xFFFF
        var bytes = [UInt8](repeating: 0, count: 26)
        var time = milliseconds
        for i in stride(from: 9, through: 0, by: -1) {
            bytes[i] = Self.crockford[Int(time & 31)]
            time >>= 5
        }
        // 80 bits = high (64) then low (16), as 16 groups of 5 bits.
        for i in 0 ..< 16 {
            let bit = i * 5  // from the most significant of the 80
            let group: UInt64
            if bit + 5 <= 64 {
                group = (high >> UInt64(59 - bit)) & 31
            } else if bit >= 64 {
                group = (low >> UInt64(11 - (bit - 64))) & 31
            } else {
                let fromHigh = 64 - bit  // bits left in high
                group = ((high & ((1 << UInt64(fromHigh)) - 1)) << UInt64(5 - fromHigh)) | (low >> UInt64(16 - (5 - fromHigh)))
            }
            bytes[10 + i] = Self.crockford[Int(group)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

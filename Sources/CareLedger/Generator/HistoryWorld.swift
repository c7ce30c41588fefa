import Ledger

/// What the generator knows of the history it has made so far: for each entity, the facts the
/// rules depend on (kind, country, role, stage) and the time of the latest event about it, so
/// each next event can obey the rules and come after everything it depends on.
struct HistoryWorld: Sendable {
    var random: SplitMix64
    /// The time of the latest event on the clock (late events are earlier than it).
    var clock: Int64
    /// The mean step of the clock between events, in microseconds.
    let meanStep: Int64
    /// The time of the first event: no event is earlier.
    let start: Int64

    var organisationKinds: [OrganisationKind] = []
    var organisationTimes: [Int64] = []
    var publicCareProviders: [Int] = []
    var companies: [Int] = []

    var personRoles: [PersonRole] = []
    var personTimes: [Int64] = []
    var staff: [Int] = []

    var challengeStages: [Stage] = []
    var challengeReportedAt: [Int64] = []
    var challengeTimes: [Int64] = []
    /// Challenges not implemented or dropped, and where each sits in this list (-1: finished).
    var openChallenges: [Int] = []
    var openSlot: [Int] = []

    var solutionTimes: [Int64] = []
    var courses = 0
    var partnerships = 0

    /// About two years, spread over the events.
    static let span: Int64 = 2 * 365 * 86_400_000_000

    init(seed: UInt64, start: Int64, count: Int) {
        random = SplitMix64(seed: seed)
        clock = start
        self.start = start
        meanStep = max(1_000_000, Self.span / Int64(max(count, 1)))
        precondition(start % 1_000_000 == 0, "a history starts at a whole second")
    }

    /// The time of a new event that depends on events up to `earliest`: usually the clock,
    /// moved on by a random step; for about one event in twenty, a late arrival somewhere
    /// between `earliest` and the clock. Whole seconds, as people record them.
    mutating func time(after earliest: Int64) -> Int64 {
        let second: Int64 = 1_000_000
        let earliest = max(earliest, start)
        clock += Int64(random.below(Int(meanStep / second * 2) + 1)) * second
        guard random.chance(5), earliest < clock else { return max(clock, earliest) }
        return earliest + Int64(random.below(Int((clock - earliest) / second) + 1)) * second
    }

    /// Makes the event numbered `number` (from 1), choosing an action whose rules can be met.
    mutating func makeEvent(number: Int) -> CareEvent {
        let id = Self.eventID(number)
        if organisationKinds.count < 12 { return joinOrganisation(id: id) }
        while true {
            let roll = random.below(100)
            let event: CareEvent? = switch roll {
            case ..<4: joinOrganisation(id: id)
            case ..<18: registerPerson(id: id)
            case ..<29: reportProblem(id: id)
            case ..<58: advanceIdea(id: id)
            case ..<66: presentSolution(id: id)
            case ..<82: giveFeedback(id: id)
            case ..<94: completeCourse(id: id)
            default: formPartnership(id: id)
            }
            if let event { return event }
        }
    }

    /// `ev-000042`: six digits at least.
    static func eventID(_ number: Int) -> String {
        let digits = String(number)
        return "ev-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// An event of `type` with `data`, made by an actor of organisation `organisation`.
    func event(_ id: String, _ type: CareEventType, at time: Int64, actor: String, _ data: JSONObject) -> CareEvent {
        do {
            return try CareEvent(id: id, type: type, occurredAt: Timestamp(rawValue: time), data: data, metadata: ["actor": actor])
        } catch {
            preconditionFailure("the generator made an invalid \(type) event: \(error)")
        }
    }
}

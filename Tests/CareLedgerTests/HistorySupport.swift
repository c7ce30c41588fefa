import CareLedger
import Ledger

/// A small seeded generator of valid histories for import and export tests: organisations
/// and persons first, then challenges advancing (with skips and drops), solutions with
/// feedback, courses and partnerships interleaved, some with metadata and late times.
enum History {
    static func generate(events count: Int, seed: UInt64) -> [CareEvent] {
        var rng = SplitMix64(seed: seed)
        var events: [CareEvent] = []
        let publicOrgs = (0 ..< 6).map { "pub\($0)" }
        let companies = (0 ..< 4).map { "co\($0)" }
        for (index, org) in publicOrgs.enumerated() {
            events.append(Make.org(org, index.isMultiple(of: 2) ? "municipality" : "region", ["DK", "SE", "NO"][index % 3]))
        }
        for org in companies { events.append(Make.org(org, "company", "NO")) }
        let persons = (0 ..< 12).map { "person\($0)" }
        for (index, person) in persons.enumerated() {
            events.append(Make.person(person, org: publicOrgs[index % publicOrgs.count]))
        }
        var stages: [String: Stage] = [:]
        var solutions: [String] = []
        var serial = 0
        while events.count < count {
            serial += 1
            let time = Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(serial) * 3_600 - (serial.isMultiple(of: 7) ? 86_400 * 30 : 0))
            let meta: [String: String] = serial.isMultiple(of: 3) ? ["actor": "user\(serial % 5)", "source": "test"] : [:]
            let open = stages.filter { !$0.value.isFinal }.keys.sorted()
            let event: CareEvent
            switch Int.random(in: 0 ..< 10, using: &rng) {
            case 0 ..< 3 where !open.isEmpty:
                let challenge = open.randomElement(using: &rng)!
                let later = Stage.allCases.filter { $0 > stages[challenge]! }
                let stage = later.randomElement(using: &rng)!
                stages[challenge] = stage
                event = data("e\(serial)", .ideaAdvanced, ["challenge": .string(challenge), "stage": .string(stage.rawValue)], time, meta)
            case 3 where !solutions.isEmpty:
                event = data("e\(serial)", .feedbackGiven, [
                    "solution": .string(solutions.randomElement(using: &rng)!), "org": .string(publicOrgs.randomElement(using: &rng)!),
                    "score": .integer(Int64.random(in: 1 ... 5, using: &rng)),
                ], time, meta)
            case 4:
                let solution = "sol\(serial)"
                solutions.append(solution)
                event = data("e\(serial)", .solutionPresented, [
                    "solution": .string(solution), "company": .string(companies.randomElement(using: &rng)!), "title": .string("Solution \(serial)"),
                    "to": Make.ids([publicOrgs.randomElement(using: &rng)!]),
                ], time, meta)
            case 5:
                event = data("e\(serial)", .courseCompleted, [
                    "course": .string("course\(serial)"), "kind": .string(CourseKind.allCases.randomElement(using: &rng)!.rawValue),
                    "title": .string("Course \(serial)"), "participants": Make.ids(Array(persons.shuffled(using: &rng).prefix(3))),
                    "companies": Make.ids([companies.randomElement(using: &rng)!]),
                ], time, meta)
            case 6 where !stages.isEmpty:
                event = data("e\(serial)", .partnershipFormed, [
                    "partnership": .string("part\(serial)"), "kind": "opi", "company": .string(companies.randomElement(using: &rng)!),
                    "orgs": Make.ids([publicOrgs.randomElement(using: &rng)!]), "challenge": .string(stages.keys.sorted().randomElement(using: &rng)!),
                ], time, meta)
            default:
                let challenge = "ch\(serial)"
                stages[challenge] = .reported
                event = data("e\(serial)", .problemReported, [
                    "challenge": .string(challenge), "org": .string(publicOrgs.randomElement(using: &rng)!), "title": .string("Problem \(serial)"), "area": "Care",
                ], time, meta)
            }
            events.append(event)
        }
        return events
    }

    private static func data(_ id: String, _ type: CareEventType, _ data: JSONObject, _ time: Timestamp, _ meta: [String: String]) -> CareEvent {
        try! CareEvent(id: id, type: type, occurredAt: time, data: data, metadata: meta)
    }
}

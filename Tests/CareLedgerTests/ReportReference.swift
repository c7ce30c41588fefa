import CareLedger
import Ledger

/// The slow, obviously correct reports: plain Swift over the JSON lines of a history, with
/// dictionaries and sets, written from domain.md's sentences and sharing no code with the
/// projections (not even the targets table). The fast reports are checked against it.
enum ReportReference {
    /// What the reports fold as of a point: the lines, in log order, that are included.
    static func folded(_ lines: [JSONValue], asOf: AsOf) -> [JSONValue] {
        lines.enumerated().filter { index, line in
            switch asOf {
            case .now: true
            case .position(let last): UInt64(index + 1) <= last
            case .time(let time): at(line) <= time.rawValue
            }
        }.map(\.element)
    }

    static func at(_ line: JSONValue) -> Int64 { try! Timestamp(rfc3339: line["at"]!.stringValue!).rawValue }
    static func type(_ line: JSONValue) -> String { line["type"]!.stringValue! }
    static func field(_ line: JSONValue, _ name: String) -> String? { line["data"]?[name]?.stringValue }
    static func list(_ line: JSONValue, _ name: String) -> [String] { line["data"]?[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    static let stages = ["reported", "screening", "ideaDevelopment", "concept", "test", "implemented"]

    /// Each challenge's furthest stage (index in ``stages``), before any drop.
    static func furthestStages(_ lines: [JSONValue]) -> [String: Int] {
        var furthest: [String: Int] = [:]
        for line in lines {
            guard let challenge = field(line, "challenge") else { continue }
            if type(line) == "ProblemReported" { furthest[challenge] = max(furthest[challenge] ?? 0, 0) }
            if type(line) == "IdeaAdvanced" {
                let stage = stages.firstIndex(of: field(line, "stage")!) ?? 0   // dropped: no progress
                furthest[challenge] = max(furthest[challenge] ?? 0, stage)
            }
        }
        return furthest
    }

    static func kpi(_ all: [JSONValue], asOf: AsOf) -> JSONValue {
        let lines = folded(all, asOf: asOf)
        func count(_ name: String) -> Int { lines.count { type($0) == name } }
        func courses(_ kind: String) -> Int { lines.count { type($0) == "CourseCompleted" && field($0, "kind") == kind } }
        let furthest = furthestStages(lines)
        var companies = Set<String>()
        var roles: [String: String] = [:]
        var participants = Set<String>()
        for line in lines {
            switch type(line) {
            case "SolutionPresented", "PartnershipFormed": companies.insert(field(line, "company")!)
            case "CourseCompleted":
                companies.formUnion(list(line, "companies"))
                participants.formUnion(list(line, "participants"))
            case "PersonRegistered": roles[field(line, "person")!] = field(line, "role")!
            default: break
            }
        }
        let values: [(String, Int, (Int, Int?)?)] = [
            ("challengesReported", count("ProblemReported"), nil),
            ("ideaDevelopmentCompleted", furthest.values.count { $0 >= 3 }, (20, nil)),
            ("companyCourses", courses("company"), (30, nil)),
            ("staffCourses", courses("staff"), (10, nil)),
            ("newTechnologyCourses", courses("newTechnology"), (3, 6)),
            ("studentCourses", courses("student"), nil),
            ("companiesEngaged", companies.count, (30, 35)),
            ("solutionsPresented", count("SolutionPresented"), (30, 35)),
            ("staffTrained", participants.count { roles[$0] == "staff" }, (250, 300)),
            ("partnershipsFormed", count("PartnershipFormed"), nil),
            ("successfulProjects", furthest.values.count { $0 == 5 }, nil),
        ]
        let indicators: [JSONValue] = values.map { key, actual, target in
            var status: JSONValue = .null
            var targetValue: JSONValue = .null
            if let (low, high) = target {
                targetValue = .object(["min": .integer(Int64(low)), "max": high.map { .integer(Int64($0)) } ?? .null])
                status = .string(actual < low ? "below" : (high.map { actual > $0 } ?? false) ? "above" : "met")
            }
            return .object(["key": .string(key), "actual": .integer(Int64(actual)), "target": targetValue, "status": status])
        }
        return .object(["asOf": asOf.json, "indicators": .array(indicators)])
    }

    static func funnel(_ all: [JSONValue], asOf: AsOf) -> JSONValue {
        let lines = folded(all, asOf: asOf)
        let furthest = furthestStages(lines)
        var reportedAt: [String: Int64] = [:]
        var enteredAt: [String: [String: Int64]] = [:]   // stage -> challenge -> time
        var dropped = Set<String>()
        for line in lines {
            guard let challenge = field(line, "challenge") else { continue }
            if type(line) == "ProblemReported" { reportedAt[challenge] = at(line) }
            if type(line) == "IdeaAdvanced" {
                let stage = field(line, "stage")!
                if stage == "dropped" { dropped.insert(challenge) } else { enteredAt[stage, default: [:]][challenge] = at(line) }
            }
        }
        var result: [JSONValue] = []
        var previous: Int?
        for (index, stage) in stages.enumerated() {
            let reached = furthest.values.count { $0 >= index }
            var conversion: JSONValue = .null
            if let previous, previous > 0 { conversion = .number(JSONNumber(Double(reached) / Double(previous))!) }
            var days: [Double] = []
            for (challenge, entered) in enteredAt[stage] ?? [:] {
                if let reported = reportedAt[challenge] { days.append(Double(entered - reported) / 86_400_000_000) }
            }
            days.sort()
            var median: JSONValue = .null
            if !days.isEmpty {
                let value = days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
                median = .number(JSONNumber(value)!)
            }
            result.append(.object(["stage": .string(stage), "reached": .integer(Int64(reached)), "conversion": conversion, "medianDays": median]))
            previous = reached
        }
        return .object(["stages": .array(result), "dropped": .integer(Int64(dropped.count))])
    }

    static func geography(_ all: [JSONValue], asOf: AsOf) -> JSONValue {
        let lines = folded(all, asOf: asOf)
        var orgs: [String: (kind: String, country: String)] = [:]
        var persons: [String: (org: String, role: String)] = [:]
        var participants = Set<String>()
        for line in lines where type(line) == "OrganisationJoined" {
            orgs[field(line, "org")!] = (field(line, "kind")!, field(line, "country")!)
        }
        for line in lines {
            if type(line) == "PersonRegistered" { persons[field(line, "person")!] = (field(line, "org")!, field(line, "role")!) }
            if type(line) == "CourseCompleted" { participants.formUnion(list(line, "participants")) }
        }
        let kinds = ["municipality", "region", "company", "academia", "cluster", "association"]
        let countries: [JSONValue] = ["DK", "SE", "NO"].map { country in
            let organisations = JSONObject(uniqueKeysWithValues: kinds.map { kind in
                (kind, JSONValue.integer(Int64(orgs.values.count { $0.kind == kind && $0.country == country })))
            })
            let reported = lines.count { type($0) == "ProblemReported" && orgs[field($0, "org")!]?.country == country }
            let staff = participants.count { person in
                guard let registered = persons[person], registered.role == "staff" else { return false }
                return orgs[registered.org]?.country == country
            }
            return .object(["country": .string(country), "organisations": .object(organisations),
                            "challengesReported": .integer(Int64(reported)), "staffTrained": .integer(Int64(staff))])
        }
        return .object(["countries": .array(countries)])
    }
}

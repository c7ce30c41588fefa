import CareLedger
import Ledger

/// Checks a history against domain.md's rules, line by line, with plain dictionaries — an
/// independent check that generated histories import cleanly — and that every event's `at` is
/// at or after the `at` of the events it depends on.
struct HistoryRuleChecker {
    private var ids = Set<String>()
    private var organisations: [String: (kind: String, at: Int64)] = [:]
    private var persons: [String: Int64] = [:]
    private var challenges: [String: (stage: Int, finished: Bool, at: Int64, reportedAt: Int64)] = [:]
    private var solutions: [String: Int64] = [:]
    private var courses = Set<String>()
    private var partnerships = Set<String>()
    static let order = ["reported", "screening", "ideaDevelopment", "concept", "test", "implemented"]

    /// The broken rules of `line`, in words (empty when it keeps them all), after which the
    /// line is folded into the checker's state.
    mutating func check(_ line: JSONValue) -> [String] {
        var broken: [String] = []
        func require(_ condition: Bool, _ rule: String) { if !condition { broken.append("\(line["id"]!.stringValue!): \(rule)") } }
        let id = line["id"]!.stringValue!
        let at = ReportReference.at(line)
        func text(_ name: String) -> String { ReportReference.field(line, name) ?? "" }
        func list(_ name: String) -> [String] { ReportReference.list(line, name) }
        func isPublic(_ org: String) -> Bool { ["municipality", "region"].contains(organisations[org]?.kind) }
        func isCompany(_ org: String) -> Bool { organisations[org]?.kind == "company" }
        func after(_ time: Int64?) { require((time ?? .min) <= at, "at is before an event it depends on") }
        require(ids.insert(id).inserted, "unique id")
        switch ReportReference.type(line) {
        case "OrganisationJoined":
            require(organisations[text("org")] == nil, "org joins once")
            organisations[text("org")] = (text("kind"), at)
        case "PersonRegistered":
            require(persons[text("person")] == nil, "person registers once")
            require(organisations[text("org")] != nil, "person's org has joined")
            after(organisations[text("org")]?.at)
            persons[text("person")] = at
        case "ProblemReported":
            require(challenges[text("challenge")] == nil, "challenge reported once")
            require(isPublic(text("org")), "reporting org is a municipality or region")
            after(organisations[text("org")]?.at)
            challenges[text("challenge")] = (0, false, at, at)
        case "IdeaAdvanced":
            guard let challenge = challenges[text("challenge")] else { require(false, "challenge exists"); break }
            require(!challenge.finished, "challenge not finished")
            after(challenge.at)
            if text("stage") == "dropped" {
                challenges[text("challenge")] = (challenge.stage, true, at, challenge.reportedAt)
            } else {
                let stage = Self.order.firstIndex(of: text("stage")) ?? -1
                require(stage > challenge.stage, "stage strictly later")
                challenges[text("challenge")] = (stage, stage == 5, at, challenge.reportedAt)
            }
        case "SolutionPresented":
            require(solutions[text("solution")] == nil, "solution presented once")
            require(isCompany(text("company")), "solution's company is a company")
            require(!list("to").isEmpty && list("to").allSatisfy(isPublic), "to: municipalities or regions")
            checkChallenge(line, at: at, require)
            after(([text("company")] + list("to")).compactMap { organisations[$0]?.at }.max())
            solutions[text("solution")] = at
        case "FeedbackGiven":
            require(solutions[text("solution")] != nil, "solution was presented")
            require(isPublic(text("org")), "feedback from a municipality or region")
            after(max(solutions[text("solution")] ?? .min, organisations[text("org")]?.at ?? .min))
        case "CourseCompleted":
            require(courses.insert(text("course")).inserted, "course completed once")
            require(list("participants").allSatisfy { persons[$0] != nil }, "participants registered")
            require(list("companies").allSatisfy(isCompany), "companies are companies")
            after((list("participants").compactMap { persons[$0] } + list("companies").compactMap { organisations[$0]?.at }).max())
        case "PartnershipFormed":
            require(partnerships.insert(text("partnership")).inserted, "partnership formed once")
            require(isCompany(text("company")), "partnership's company is a company")
            require(!list("orgs").isEmpty && list("orgs").allSatisfy(isPublic), "orgs: municipalities or regions")
            checkChallenge(line, at: at, require)
            after(([text("company")] + list("orgs")).compactMap { organisations[$0]?.at }.max())
        default:
            require(false, "known type")
        }
        return broken
    }

    private func checkChallenge(_ line: JSONValue, at: Int64, _ require: (Bool, String) -> Void) {
        guard let challenge = ReportReference.field(line, "challenge") else { return }
        require(challenges[challenge] != nil, "named challenge exists")
        require((challenges[challenge]?.reportedAt ?? .min) <= at, "at is before the challenge was reported")
    }
}

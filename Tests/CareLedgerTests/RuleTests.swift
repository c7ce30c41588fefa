import CareLedger
import Ledger
import Testing

/// One refused event: what must be stored first, the event, and the error it must produce.
struct Refusal: Sendable, CustomTestStringConvertible {
    var setup: [CareEvent] = []
    var event: CareEvent
    var rule: Rule
    var field: String
    var testDescription: String { "\(event.type) breaks \(rule) at \(field)" }
}

@Suite("Rules are enforced on append")
struct RuleTests {
    static let refusals: [Refusal] = [
        Refusal(event: Make.org("o-mun", "region", id: "join-again"), rule: .organisationAlreadyJoined, field: "data.org"),
        Refusal(event: Make.person("p1", org: "o-reg", id: "register-again"), rule: .personAlreadyRegistered, field: "data.person"),
        Refusal(event: Make.person("p9", org: "o-none"), rule: .organisationNotJoined, field: "data.org"),
        Refusal(event: Make.problem("c1", org: "o-reg", id: "report-again"), rule: .challengeAlreadyReported, field: "data.challenge"),
        Refusal(event: Make.problem("c2", org: "o-co"), rule: .organisationNotPublicCareProvider, field: "data.org"),
        Refusal(event: Make.problem("c2", org: "o-aca"), rule: .organisationNotPublicCareProvider, field: "data.org"),
        Refusal(event: Make.problem("c2", org: "o-none"), rule: .organisationNotJoined, field: "data.org"),
        Refusal(event: Make.advance("c9", to: "screening"), rule: .challengeNotReported, field: "data.challenge"),
        Refusal(event: Make.advance("c1", to: "reported"), rule: .stageNotLater, field: "data.stage"),
        Refusal(setup: [Make.advance("c1", to: "concept")], event: Make.advance("c1", to: "screening"), rule: .stageNotLater, field: "data.stage"),
        Refusal(setup: [Make.advance("c1", to: "concept")], event: Make.advance("c1", to: "concept", id: "same-stage"), rule: .stageNotLater, field: "data.stage"),
        Refusal(setup: [Make.advance("c1", to: "implemented")], event: Make.advance("c1", to: "dropped"), rule: .challengeFinished, field: "data.challenge"),
        Refusal(setup: [Make.advance("c1", to: "dropped")], event: Make.advance("c1", to: "test"), rule: .challengeFinished, field: "data.challenge"),
        Refusal(event: Make.solution("s1", company: "o-co", to: ["o-mun"], id: "present-again"), rule: .solutionAlreadyPresented, field: "data.solution"),
        Refusal(event: Make.solution("s2", company: "o-mun", to: ["o-reg"]), rule: .organisationNotCompany, field: "data.company"),
        Refusal(event: Make.solution("s2", company: "o-none", to: ["o-reg"]), rule: .organisationNotJoined, field: "data.company"),
        Refusal(event: Make.solution("s2", company: "o-co", to: []), rule: .organisationListEmpty, field: "data.to"),
        Refusal(event: Make.solution("s2", company: "o-co", to: ["o-reg", "o-aca"]), rule: .organisationNotPublicCareProvider, field: "data.to[1]"),
        Refusal(event: Make.solution("s2", company: "o-co", to: ["o-reg", "o-none"]), rule: .organisationNotJoined, field: "data.to[1]"),
        Refusal(event: Make.solution("s2", company: "o-co", to: ["o-reg"], challenge: "c9"), rule: .challengeNotReported, field: "data.challenge"),
        Refusal(event: Make.feedback("s9", org: "o-reg"), rule: .solutionNotPresented, field: "data.solution"),
        Refusal(event: Make.feedback("s1", org: "o-co"), rule: .organisationNotPublicCareProvider, field: "data.org"),
        Refusal(event: Make.feedback("s1", org: "o-none"), rule: .organisationNotJoined, field: "data.org"),
        Refusal(event: Make.course("k1", id: "complete-again"), rule: .courseAlreadyCompleted, field: "data.course"),
        Refusal(event: Make.course("k2", participants: ["p1", "p9"]), rule: .personNotRegistered, field: "data.participants[1]"),
        Refusal(event: Make.course("k2", companies: ["o-co", "o-reg"]), rule: .organisationNotCompany, field: "data.companies[1]"),
        Refusal(event: Make.course("k2", companies: ["o-none"]), rule: .organisationNotJoined, field: "data.companies[0]"),
        Refusal(event: Make.partnership("t1", company: "o-co", orgs: ["o-reg"], id: "form-again"), rule: .partnershipAlreadyFormed, field: "data.partnership"),
        Refusal(event: Make.partnership("t2", company: "o-aca", orgs: ["o-reg"]), rule: .organisationNotCompany, field: "data.company"),
        Refusal(event: Make.partnership("t2", company: "o-co", orgs: []), rule: .organisationListEmpty, field: "data.orgs"),
        Refusal(event: Make.partnership("t2", company: "o-co", orgs: ["o-co"]), rule: .organisationNotPublicCareProvider, field: "data.orgs[0]"),
        Refusal(event: Make.partnership("t2", company: "o-co", orgs: ["o-reg"], challenge: "c9"), rule: .challengeNotReported, field: "data.challenge"),
    ]

    @Test("A rule violation is refused with its rule, event id and field, and stores nothing", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append(Make.world)
            for event in refusal.setup { try await store.append(event) }
            let head = try store.ledger.head
            let violation = try await #require(throws: RuleViolation.self) { try await store.append(refusal.event) }
            #expect(violation.rule == refusal.rule)
            #expect(violation.eventID == refusal.event.id)
            #expect(violation.field == refusal.field)
            #expect(try store.ledger.head == head)
            #expect(try store.ledger.event(withID: refusal.event.id) == nil)
        }
    }

    @Test("Every rule of the table has a refusal test")
    func everyRuleIsCovered() {
        let covered = Set(Self.refusals.map(\.rule))
        let storeOnly: Set<Rule> = [.streamNotEntity, .eventTypeNotInDomain, .payloadUnreadable]  // tested below
        #expect(Set(Rule.allCases).subtracting(covered).subtracting(storeOnly).isEmpty)
    }

    @Test("Valid events of every type are accepted, stages may be skipped and a challenge dropped at any stage")
    func accepted() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append(Make.world)
            try await store.append([
                Make.problem("c2", org: "o-reg"), Make.advance("c2", to: "screening"), Make.advance("c2", to: "test"),
                Make.advance("c2", to: "implemented"),
            ])
            try await store.append([Make.problem("c3", org: "o-mun"), Make.advance("c3", to: "dropped")])
            try await store.append(Make.advance("c1", to: "ideaDevelopment"))
            try await store.append(Make.advance("c1", to: "dropped"))
            try await store.append(Make.solution("s2", company: "o-co", to: ["o-mun", "o-reg"]))
            try await store.append([Make.feedback("s1", org: "o-reg"), Make.feedback("s1", org: "o-mun", score: 1)])
            try await store.append(Make.course("k2", kind: "newTechnology", participants: ["p1", "p2"], companies: []))
            try await store.append(Make.partnership("t2", kind: "test", company: "o-co", orgs: ["o-reg", "o-mun"]))
            try await store.append(Make.person("p3", org: "o-aca", role: "student"))
            #expect(try store.ledger.head == UInt64(Make.world.count + 14))
        }
    }

    @Test("Events of one append are checked in order: an organisation joined earlier in the append counts")
    func inOrderWithinAppend() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            let positions = try await store.append([Make.org("o1", "region"), Make.problem("c1", org: "o1"), Make.advance("c1", to: "test")])
            #expect(positions == [1, 2, 3])
            // A refusal of the last event refuses the whole append.
            let error = try await #require(throws: RuleViolation.self) {
                try await store.append([Make.org("o2", "company"), Make.problem("c2", org: "o2")])
            }
            #expect(error.rule == .organisationNotPublicCareProvider)
            #expect(try store.ledger.head == 3)
            #expect(try store.ledger.event(withID: "join-o2") == nil)
        }
    }
}

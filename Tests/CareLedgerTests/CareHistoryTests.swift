import CareLedger
import Ledger
import Testing

@Suite("Generated histories")
struct CareHistoryTests {
    @Test(arguments: [(seed: UInt64(1), count: 3_000), (7, 10_000), (2026, 500)])
    func everyEventKeepsTheRules(seed: UInt64, count: Int) {
        var checker = HistoryRuleChecker()
        var broken: [String] = []
        var seen = 0
        for event in CareHistory(seed: seed, count: count) {
            broken += checker.check(event.line)
            seen += 1
        }
        #expect(seen == count)
        #expect(broken.isEmpty, "\(broken.prefix(5))")
    }

    @Test func sameSeedSameHistoryOtherSeedOtherHistory() {
        let first = CareHistory(seed: 42, count: 2_000).map { $0.line.serialized() }
        let again = CareHistory(seed: 42, count: 2_000).map { $0.line.serialized() }
        let other = CareHistory(seed: 43, count: 2_000).map { $0.line.serialized() }
        #expect(first == again)
        #expect(first != other)
    }

    /// The history covers the domain: every kind, country, role, course kind, stage (with
    /// skips and drops), solutions with feedback, partnerships, actors, and late events.
    @Test func historiesCoverTheDomain() throws {
        let history = Array(CareHistory(seed: 3, count: 5_000))
        func values(_ type: CareEventType, _ field: String) -> Set<String> {
            Set(history.filter { $0.type == type }.compactMap { $0.data[field]?.stringValue })
        }
        #expect(values(.organisationJoined, "kind") == Set(OrganisationKind.allCases.map(\.rawValue)))
        #expect(values(.organisationJoined, "country") == Set(Country.allCases.map(\.rawValue)))
        #expect(values(.personRegistered, "role") == Set(PersonRole.allCases.map(\.rawValue)))
        #expect(values(.courseCompleted, "kind") == Set(CourseKind.allCases.map(\.rawValue)))
        #expect(values(.ideaAdvanced, "stage") == Set(Stage.allCases.filter { $0 != .reported }.map(\.rawValue)))
        #expect(values(.partnershipFormed, "kind") == Set(PartnershipKind.allCases.map(\.rawValue)))
        #expect(history.contains { $0.type == .feedbackGiven })
        #expect(history.contains { $0.type == .solutionPresented && $0.data["challenge"] != nil })
        #expect(history.allSatisfy { $0.metadata["actor"] != nil })
        #expect(history[41].id == "ev-000042")
        let late = zip(history, history.dropFirst()).count { $1.occurredAt < $0.occurredAt }
        #expect(late > history.count / 100)
        // A skip: some challenge's stages jump over one.
        var stage: [String: Int] = [:]
        var skips = 0
        for event in history where event.type == .ideaAdvanced {
            let challenge = event.data["challenge"]!.stringValue!
            let next = Stage.progression.firstIndex(of: Stage(rawValue: event.data["stage"]!.stringValue!)!) ?? -1
            if next > (stage[challenge] ?? 0) + 1 { skips += 1 }
            if next >= 0 { stage[challenge] = next }
        }
        #expect(skips > 0)
    }

    @Test func eventIDsAreZeroPadded() {
        let ids = CareHistory(seed: 1, count: 12).map(\.id)
        #expect(ids.first == "ev-000001")
        #expect(ids.last == "ev-000012")
    }
}

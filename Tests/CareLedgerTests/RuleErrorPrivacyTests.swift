import CareLedger
import Ledger
import Testing

/// Rule and import errors name rules, fields, event ids and organisation, challenge or
/// solution ids, never person ids, titles, names, areas or metadata values.
@Suite("Rule and import errors carry no personal data")
struct RuleErrorPrivacyTests {
    static let secretText = "Jane Doe 1957-04-12"
    static let secretPerson = "jane.doe.570412"

    static func expectNoSecret(_ error: any Error) {
        let text = String(describing: error) + String(reflecting: error)
        #expect(!text.contains(secretText))
        #expect(!text.contains(secretPerson))
        #expect(!text.contains("jane.doe"))
    }

    @Test("Rule violations about persons and titled events")
    func ruleViolations() async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.append(Make.world)
            try await store.append(Make.person(Self.secretPerson, org: "o-mun"))
            let meta = ["actor": Self.secretText]
            let cases: [CareEvent] = [
                Make.event("e1", .personRegistered, ["person": .string(Self.secretPerson), "org": "o-reg", "role": "staff"], meta: meta),
                Make.event("e2", .courseCompleted, [
                    "course": "k9", "kind": "staff", "title": .string(Self.secretText), "participants": Make.ids([Self.secretPerson, "jane.doe.570413"]),
                    "companies": Make.ids([]),
                ], meta: meta),
                Make.event("e3", .problemReported, ["challenge": "c1", "org": "o-mun", "title": .string(Self.secretText), "area": .string(Self.secretText)]),
                Make.event("e4", .organisationJoined, ["org": "o-mun", "name": .string(Self.secretText), "kind": "region", "country": "SE"]),
            ]
            for event in cases {
                let error = await #expect(throws: RuleViolation.self) { try await store.append(event) }
                Self.expectNoSecret(try #require(error))
            }
        }
    }

    @Test("Import errors of lines holding personal data")
    func importErrors() async throws {
        let secretPerson = Self.secretPerson, secretText = Self.secretText
        let person = #"{"person":"\#(secretPerson)","org":"o-mun","role":"staff"}"#
        let lines = [
            #"{"id":"e1","stream":"person-\#(secretPerson)x","type":"PersonRegistered","at":"2025-01-01T00:00:00Z","data":\#(person)}"#,
            #"{"id":"e1","stream":"person-\#(secretPerson)","type":"PersonRegistered","at":"2025-01-01T00:00:00Z","data":\#(person),"meta":{"actor":["\#(secretText)"]}}"#,
            #"{"id":"e1","stream":"person-\#(secretPerson)","type":"PersonRegistered","at":"\#(secretText)","data":\#(person)}"#,
            #"{"id":"e1","stream":"person-\#(secretPerson)","type":"PersonRegistered","at":"2025-01-01T00:00:00Z","data":{"person":"\#(secretPerson)","org":"o-mun","role":"\#(secretText)"}}"#,
            #"{"id":"e1","stream":"org-o1","type":"OrganisationJoined","at":"2025-01-01T00:00:00Z","data":{"org":"o1","name":"\#(secretText)","kind":"region","country":"SE","x":"\#(secretText)"}}"#,
            #"{"id":"e1","stream":"person-\#(secretPerson)","type":"PersonRegistered","at":"2025-01-01T00:00:00Z","data":\#(person)}"#,  // org not joined
            #"{"id":"e1","stream":"org-o1","type":"OrganisationJoined","at":"2025-01-01T00:00:00Z","data":{"org":"o1","name":"\#(secretText)\u"}}"#,
        ]
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            for (index, line) in lines.enumerated() {
                let path = root + "/\(index).jsonl"
                try writeFile(path, Array(line.utf8) + [0x0A])
                let error = await #expect(throws: ImportError.self) { try await store.importEvents(fromFile: path) }
                Self.expectNoSecret(try #require(error))
            }
        }
    }
}

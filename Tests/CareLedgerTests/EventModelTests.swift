import CareLedger
import Ledger
import Testing

@Suite("Event model: schemas, payloads, lines")
struct EventModelTests {
    static let at = Timestamp(secondsSinceEpoch: 1_741_083_300)

    static let examples: [(CareEventType, JSONObject)] = [
        (.organisationJoined, ["org": "region-x", "name": "Region X", "kind": "region", "country": "SE"]),
        (.personRegistered, ["person": "p1", "org": "region-x", "role": "staff"]),
        (.problemReported, ["challenge": "c7", "title": "Night shift handover", "org": "region-x", "area": "elderly care"]),
        (.ideaAdvanced, ["challenge": "c7", "stage": "concept"]),
        (.solutionPresented, ["solution": "s1", "company": "acme", "title": "Sensor", "to": ["region-x", "kommune-y"], "challenge": "c7"]),
        (.solutionPresented, ["solution": "s2", "company": "acme", "title": "Sensor", "to": ["region-x"]]),
        (.feedbackGiven, ["solution": "s1", "org": "region-x", "score": 4]),
        (.courseCompleted, ["course": "k1", "kind": "newTechnology", "title": "AI", "participants": ["p1", "p2"], "companies": []]),
        (.partnershipFormed, ["partnership": "pa1", "kind": "opi", "company": "acme", "orgs": ["region-x"]]),
    ]

    @Test("every example encodes, decodes to the same data, and survives a JSON line", arguments: 0 ..< examples.count)
    func roundTrip(index: Int) throws {
        let (type, data) = Self.examples[index]
        let event = try CareEvent(id: "ev-\(index)", type: type, occurredAt: Self.at, data: data, metadata: ["actor": "anna"])
        #expect(Dictionary(uniqueKeysWithValues: event.data.map { ($0.key, $0.value) })
            == Dictionary(uniqueKeysWithValues: data.map { ($0.key, $0.value) }))
        #expect(event.data.keys == type.schema.fields.map(\.name).filter { data[$0] != nil }, "data in schema order")
        #expect(event.stream == "\(type.schema.category)-\(data[type.schema.keyField]!.stringValue!)")
        let reread = try CareEvent(line: try JSONValue(parsing: event.line.serialized()))
        #expect(reread == event)
        #expect(try PayloadCodec.decode(event.payload, as: type.schema) == event.data)
    }

    @Test("the payload of IdeaAdvanced is the challenge id then the stage code, read in place")
    func payloadLayout() throws {
        let event = try CareEvent(id: "ev-1", type: .ideaAdvanced, occurredAt: Self.at, data: ["stage": "test", "challenge": "c42"])
        #expect(event.payload == [3] + Array("c42".utf8) + [Stage.test.code])
        try event.payload.withUnsafeBytes { bytes throws -> Void in
            var reader = PayloadReader(bytes)
            #expect(Array(try reader.readIdentifier()) == Array("c42".utf8))
            #expect(Stage(code: try reader.readCode()) == .test)
            #expect(reader.isAtEnd)
            var end = reader
            #expect(throws: PayloadReader.Truncated.self) { _ = try end.readCode() }
        }
    }

    struct BadData: Sendable, CustomTestStringConvertible {
        var type: CareEventType
        var data: JSONObject
        var field: String
        var testDescription: String { "\(type) \(field)" }
        init(_ type: CareEventType, _ data: JSONObject, _ field: String) {
            self.type = type
            self.data = data
            self.field = field
        }
    }

    static let badDataCases: [BadData] = [
        BadData(.organisationJoined, ["org": "x", "name": "Secret Name", "kind": "hospital", "country": "SE"] as JSONObject, "data.kind"),
        BadData(.organisationJoined, ["org": "x", "name": "N", "kind": "region"], "data.country"),
        BadData(.personRegistered, ["person": "anna svensson", "org": "x", "role": "staff"], "data.person"),
        BadData(.personRegistered, ["person": "p", "org": "x", "role": "staff", "email": "a@b"], "data.email"),
        BadData(.feedbackGiven, ["solution": "s", "org": "x", "score": 6], "data.score"),
        BadData(.feedbackGiven, ["solution": "s", "org": "x", "score": 4.5], "data.score"),
        BadData(.courseCompleted, ["course": "k", "kind": "staff", "title": "T", "participants": ["ok", "not ok"], "companies": []], "data.participants[1]"),
        BadData(.problemReported, ["challenge": "c", "org": "x", "title": "", "area": "a"], "data.title"),
        BadData(.ideaAdvanced, ["challenge": .string(String(repeating: "c", count: 65)), "stage": "test"], "data.challenge"),
        ]

    @Test("bad data names the field and never echoes the value", arguments: badDataCases)
    func badData(_ example: BadData) {
        let (type, data, field) = (example.type, example.data, example.field)
        #expect {
            _ = try CareEvent(id: "ev-1", type: type, occurredAt: Self.at, data: data)
        } throws: { error in
            guard let error = error as? EventDataError else { return false }
            let text = String(describing: error)
            return error.field == field && !text.contains("Secret") && !text.contains("svensson")
                && !text.contains("hospital") && !text.contains("a@b") && !text.contains("not ok")
        }
    }

    @Test("a line whose stream is not the entity's, or whose envelope is wrong, is refused", arguments: [
        (#"{"id":"e","stream":"challenge-c8","type":"IdeaAdvanced","at":"2025-03-04T10:15:00Z","data":{"challenge":"c7","stage":"test"}}"#, "stream"),
        (#"{"id":"e","stream":"challenge-c7","type":"IdeaMoved","at":"2025-03-04T10:15:00Z","data":{"challenge":"c7","stage":"test"}}"#, "type"),
        (#"{"id":"e","stream":"challenge-c7","type":"IdeaAdvanced","at":"2025-03-04","data":{"challenge":"c7","stage":"test"}}"#, "at"),
        (#"{"id":"","stream":"challenge-c7","type":"IdeaAdvanced","at":"2025-03-04T10:15:00Z","data":{"challenge":"c7","stage":"test"}}"#, "id"),
        (#"{"id":"e","stream":"challenge-c7","type":"IdeaAdvanced","at":"2025-03-04T10:15:00Z","data":{"challenge":"c7","stage":"test"},"meta":{"n":1}}"#, "meta.n"),
        (#"{"id":"e","stream":"challenge-c7","type":"IdeaAdvanced","at":"2025-03-04T10:15:00Z","data":{"challenge":"c7","stage":"test"},"extra":1}"#, "extra"),
        (#"{"id":"e","stream":"challenge-c7","type":"IdeaAdvanced","at":"2025-03-04T10:15:00Z"}"#, "data"),
    ])
    func badEnvelope(text: String, field: String) throws {
        let value = try JSONValue(parsing: text)
        #expect {
            _ = try CareEvent(line: value)
        } throws: { error in
            (error as? EventDataError)?.field == field
        }
    }

    @Test("a truncated or padded payload does not decode", arguments: CareEventType.allCases)
    func corruptPayload(type: CareEventType) throws {
        let (_, data) = try #require(Self.examples.first { $0.0 == type })
        let event = try CareEvent(id: "ev-1", type: type, occurredAt: Self.at, data: data)
        for cut in 0 ..< event.payload.count {
            #expect(throws: EventDataError.self) { _ = try PayloadCodec.decode(Array(event.payload.prefix(cut)), as: type.schema) }
        }
        #expect(throws: EventDataError.self) { _ = try PayloadCodec.decode(event.payload + [0], as: type.schema) }
    }

    @Test("an upcaster turns old data into the current shape; unknown versions are refused")
    func upcasting() throws {
        let v1 = EventSchema(type: "Rated", version: 1, category: "thing", keyField: "thing", fields: [
            .required("thing", .identifier), .required("score", .integer(1 ... 5)),
        ])
        let v2 = EventSchema(type: "Rated", version: 2, category: "thing", keyField: "thing", fields: [
            .required("thing", .identifier), .required("score", .integer(1 ... 10)),
        ])
        var catalog = EventCatalog(current: [v1])
        catalog.register(v2, upcastingFrom: 1) { old in
            var data = old
            data["score"] = .integer(old["score"]!.integerValue! * 2)
            return data
        }
        #expect(catalog.currentSchema(for: "Rated")?.version == 2)
        #expect(try catalog.upcast(["thing": "t", "score": 4], type: "Rated", from: 1) == ["thing": "t", "score": 8])
        #expect(throws: EventDataError.self) { _ = try catalog.upcast(["thing": "t"], type: "Rated", from: 3) }
        #expect(throws: EventDataError.self) { _ = try catalog.upcast(["thing": "t"], type: "Unknown", from: 1) }
    }
}

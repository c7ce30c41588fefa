import CareLedger
import Ledger
import Projections
import Testing

/// FeedbackGiven version 2 adds a `comment`; version 1 events read as if they had the
/// comment "none". A projection reading through the catalog sees both in the v2 shape.
@Suite("Schema evolution: upcasters let old and new events replay together")
struct SchemaEvolutionTests {
    static let feedbackV2 = EventSchema(type: "FeedbackGiven", version: 2, category: "solution", keyField: "solution", fields: [
        .required("solution", .identifier), .required("org", .identifier),
        .required("score", .integer(1 ... 5)), .required("comment", .text),
    ])

    static let catalog: EventCatalog = {
        var catalog = EventCatalog.careWare
        catalog.register(feedbackV2, upcastingFrom: 1) { old in
            var data = old
            data["comment"] = "none"
            return data
        }
        return catalog
    }()

    /// Scores and comments of every feedback, in log order, read in the current (v2) layout.
    struct FeedbackComments: Projection {
        struct State: Sendable, Hashable {
            var scores: [Int64] = []
            var comments: [String] = []
        }

        let catalog: EventCatalog
        var name: String { "feedback-comments" }
        var version: UInt32 { 1 }
        var eventTypes: [String] { ["FeedbackGiven"] }
        func initialState() -> State { State() }

        func apply(_ event: RecordView, to state: inout State) throws {
            try catalog.withCurrentPayload(of: event) { payload in
                var reader = PayloadReader(payload)
                try reader.skipIdentifier()
                try reader.skipIdentifier()
                state.scores.append(try reader.readInteger())
                state.comments.append(String(decoding: try reader.readText(), as: UTF8.self))
            }
        }

        func encode(_ state: State, to writer: inout ByteWriter) {
            writer.writeLength(state.scores.count)
            for (score, comment) in zip(state.scores, state.comments) {
                writer.write(score)
                writer.write(comment)
            }
        }

        func decode(from reader: inout ByteReader) throws -> State {
            var state = State()
            for _ in 0 ..< (try reader.readLength()) {
                state.scores.append(try reader.read(Int64.self))
                state.comments.append(try reader.read(String.self))
            }
            return state
        }
    }

    @Test("A v1 event written before the change and v2 events after it replay together in the v2 shape")
    func replayAcrossVersions() async throws {
        try await withTemporaryRoot { root in
            let ledger = try Ledger(path: root + "/store")
            // Written while FeedbackGiven was at version 1.
            for event in [Make.feedback("s1", org: "o1", score: 4, id: "f1"), Make.feedback("s1", org: "o2", score: 2, id: "f2")] {
                #expect(event.newEvent.schemaVersion == 1)
                try await ledger.append([event.newEvent], to: event.stream)
            }
            // The type changes to version 2; new events are written in it.
            let data: JSONObject = ["solution": "s1", "org": "o3", "score": 5, "comment": "worked well"]
            let payload = try PayloadCodec.encode(data, as: Self.feedbackV2)
            let v2 = NewEvent(id: "f3", type: "FeedbackGiven", schemaVersion: 2, occurredAt: Make.time, payload: payload)
            try await ledger.append([v2], to: "solution-s1")

            let engine = try await ProjectionEngine(ledger: ledger)
            let handle = try await engine.register(FeedbackComments(catalog: Self.catalog))
            try await engine.catchUp()
            let state = try engine.state(of: handle)
            #expect(state.scores == [4, 2, 5])
            #expect(state.comments == ["none", "none", "worked well"])
            let before = try engine.state(of: handle, asOf: .position(2))
            #expect(before.comments == ["none", "none"])

            // The v1-only catalog cannot read the v2 record; the evolved one reads both.
            try ledger.forEachRecord { (record: RecordView) throws -> Bool in
                if record.schemaVersion == 2 {
                    #expect(throws: EventDataError.self) { try EventCatalog.careWare.currentData(of: record) }
                } else {
                    #expect(try Self.catalog.currentData(of: record)["comment"] == "none")
                }
                return true
            }
        }
    }
}

import CareLedger
import Foundation
import Ledger
import Testing

/// A temporary directory for one async test, removed when `body` returns or throws.
func withTemporaryRoot<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> T
) async throws -> T {
    var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-store-XXXXXX").utf8CString)
    let root = String(cString: try #require(mkdtemp(&template)))
    defer { try? FileManager.default.removeItem(atPath: root) }
    return try await body(root)
}

/// Opens a store at `path` for tests: deferred durability (tests do not need disk flushes).
func openStore(_ path: String) async throws -> CareStore {
    var configuration = CareStore.Configuration()
    configuration.ledger.durability = .deferred
    return try await CareStore(path: path, configuration: configuration)
}

/// Every stored event, in log order, as interchange lines (id, stream, type, at, data, meta).
func storedLines(_ store: CareStore) throws -> [JSONValue] {
    var lines: [JSONValue] = []
    try store.ledger.forEachRecord { record in
        lines.append(try CareEvent(record: record).line)
        return true
    }
    return lines
}

/// Builders of valid events; ids are derived from the action unless given.
enum Make {
    static let time = Timestamp(secondsSinceEpoch: 1_740_000_000)

    static func event(_ id: String, _ type: CareEventType, _ data: JSONObject, meta: [String: String] = [:]) -> CareEvent {
        do {
            return try CareEvent(id: id, type: type, occurredAt: time, data: data, metadata: meta)
        } catch {
            preconditionFailure("test event \(id) is invalid: \(error)")
        }
    }

    static func ids(_ ids: [String]) -> JSONValue { .array(ids.map { .string($0) }) }

    static func org(_ org: String, _ kind: String, _ country: String = "SE", id: String? = nil) -> CareEvent {
        event(id ?? "join-\(org)", .organisationJoined, ["org": .string(org), "name": "Org", "kind": .string(kind), "country": .string(country)])
    }

    static func person(_ person: String, org: String, role: String = "staff", id: String? = nil) -> CareEvent {
        event(id ?? "register-\(person)", .personRegistered, ["person": .string(person), "org": .string(org), "role": .string(role)])
    }

    static func problem(_ challenge: String, org: String, id: String? = nil) -> CareEvent {
        event(id ?? "report-\(challenge)", .problemReported, ["challenge": .string(challenge), "org": .string(org), "title": "T", "area": "A"])
    }

    static func advance(_ challenge: String, to stage: String, id: String? = nil) -> CareEvent {
        event(id ?? "advance-\(challenge)-\(stage)", .ideaAdvanced, ["challenge": .string(challenge), "stage": .string(stage)])
    }

    static func solution(_ solution: String, company: String, to: [String], challenge: String? = nil, id: String? = nil) -> CareEvent {
        var data: JSONObject = ["solution": .string(solution), "company": .string(company), "title": "S", "to": ids(to)]
        if let challenge { data["challenge"] = .string(challenge) }
        return event(id ?? "present-\(solution)", .solutionPresented, data)
    }

    static func feedback(_ solution: String, org: String, score: Int64 = 4, id: String? = nil) -> CareEvent {
        event(id ?? "feedback-\(solution)-\(org)", .feedbackGiven, ["solution": .string(solution), "org": .string(org), "score": .integer(score)])
    }

    static func course(_ course: String, kind: String = "staff", participants: [String] = [], companies: [String] = [], id: String? = nil) -> CareEvent {
        event(id ?? "complete-\(course)", .courseCompleted, [
            "course": .string(course), "kind": .string(kind), "title": "C", "participants": ids(participants), "companies": ids(companies),
        ])
    }

    static func partnership(
        _ partnership: String, kind: String = "opi", company: String, orgs: [String], challenge: String? = nil, id: String? = nil
    ) -> CareEvent {
        var data: JSONObject = ["partnership": .string(partnership), "kind": .string(kind), "company": .string(company), "orgs": ids(orgs)]
        if let challenge { data["challenge"] = .string(challenge) }
        return event(id ?? "form-\(partnership)", .partnershipFormed, data)
    }

    /// A small valid world: four organisations of each useful kind, two persons, a challenge,
    /// a solution presented on it, a course and a partnership.
    static let world: [CareEvent] = [
        org("o-mun", "municipality", "DK"), org("o-reg", "region", "SE"), org("o-co", "company", "NO"), org("o-aca", "academia", "SE"),
        person("p1", org: "o-mun"), person("p2", org: "o-co", role: "company"),
        problem("c1", org: "o-mun"),
        solution("s1", company: "o-co", to: ["o-reg"], challenge: "c1"),
        course("k1", participants: ["p1"], companies: ["o-co"]),
        partnership("t1", company: "o-co", orgs: ["o-mun"], challenge: "c1"),
    ]
}

/// Writes events as a JSON Lines file.
func writeLines(_ events: [CareEvent], to path: String) throws {
    let writer = try JSONLinesWriter(path: path, mode: .truncate)
    for event in events { try writer.write(event.line) }
    try writer.close()
}

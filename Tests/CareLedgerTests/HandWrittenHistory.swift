import CareLedger
import Ledger

/// A small history written by hand, whose reports are worked out in the tests' comments.
enum HandWrittenHistory {
    static let day: Int64 = 86_400_000_000
    static let start: Int64 = 1_735_689_600_000_000   // 2025-01-01T00:00:00Z

    static func events() throws -> [CareEvent] {
        func event(_ id: String, _ type: CareEventType, hours: Int64, _ data: JSONObject) throws -> CareEvent {
            try CareEvent(id: id, type: type, occurredAt: Timestamp(rawValue: start + hours * day / 24), data: data)
        }
        return [
            try event("e1", .organisationJoined, hours: 0, ["org": "m1", "name": "Lund", "kind": "municipality", "country": "SE"]),
            try event("e2", .organisationJoined, hours: 0, ["org": "co1", "name": "Acme", "kind": "company", "country": "DK"]),
            try event("e3", .personRegistered, hours: 1, ["person": "anna", "org": "m1", "role": "staff"]),
            try event("e4", .problemReported, hours: 0, ["challenge": "c1", "title": "Falls", "org": "m1", "area": "elder care"]),
            try event("e5", .problemReported, hours: 24, ["challenge": "c2", "title": "Forms", "org": "m1", "area": "home care"]),
            try event("e6", .courseCompleted, hours: 30, ["course": "k1", "kind": "company", "title": "Sales", "participants": ["anna"], "companies": ["co1"]]),
            try event("e7", .ideaAdvanced, hours: 36, ["challenge": "c1", "stage": "screening"]),
            try event("e8", .solutionPresented, hours: 40, ["solution": "s1", "company": "co2", "title": "Sensor", "to": ["m1"]]),
            try event("e9", .courseCompleted, hours: 48, ["course": "k2", "kind": "company", "title": "Sales", "participants": ["anna"], "companies": ["co1"]]),
            try event("e10", .ideaAdvanced, hours: 72, ["challenge": "c1", "stage": "concept"]),
            try event("e11", .ideaAdvanced, hours: 36, ["challenge": "c2", "stage": "screening"]),
            try event("e12", .ideaAdvanced, hours: 80, ["challenge": "c2", "stage": "dropped"]),
        ]
    }
}

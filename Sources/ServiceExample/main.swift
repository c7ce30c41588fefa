// The README's "Use it from your Swift service" example, complete: `make test` builds and runs
// it, so it cannot rot. It opens a store, appends domain events with an expected version,
// follows the log with a subscription, and reads a report now and as of a date.
import CareLedger
import Ledger

let path = CommandLine.arguments.dropFirst().first ?? ".build/service-example-store"
let store = try await CareStore(path: path)
let run = Timestamp.now.rawValue  // unique ids, so the example can run again on the same store

func event(_ n: Int, _ type: CareEventType, at time: String, _ data: JSONObject) throws -> CareEvent {
    try CareEvent(id: "example-\(run)-\(n)", type: type, occurredAt: try Timestamp(rfc3339: time), data: data,
                  metadata: ["actor": "service-example"])
}

// Follow every event committed from now on (woken by commits, not by polling).
let start = try store.ledger.head + 1
let follower = Task {
    var types: [String] = []
    for try await recorded in store.ledger.subscribe(from: start) {
        types.append(recorded.type)
        if types.count == 4 { break }
    }
    return types
}

// Rules are checked on append: the region must join before it reports a problem.
let region = "region-\(run)", challenge = "c-\(run)"
try await store.append(try event(1, .organisationJoined, at: "2025-01-10T09:00:00Z",
                                 ["org": .string(region), "name": "Region Example", "kind": "region", "country": "SE"]))
try await store.append(try event(2, .problemReported, at: "2025-02-03T10:00:00Z",
                                 ["challenge": .string(challenge), "org": .string(region), "title": "Night-shift handover", "area": "elderly care"]),
                       expecting: .noStream)
// Optimistic concurrency: the challenge's stream is at version 1, so this append expects it.
try await store.append(try event(3, .ideaAdvanced, at: "2025-03-01T12:00:00Z",
                                 ["challenge": .string(challenge), "stage": "screening"]),
                       expecting: .exact(1))
do {
    try await store.append(try event(4, .ideaAdvanced, at: "2025-03-02T12:00:00Z",
                                     ["challenge": .string(challenge), "stage": "concept"]),
                           expecting: .exact(1))
} catch let error as LedgerError {
    print("a stale writer is refused: \(error)")
}
try await store.append(try event(5, .ideaAdvanced, at: "2025-06-01T12:00:00Z",
                                 ["challenge": .string(challenge), "stage": "concept"]),
                       expecting: .exact(2))

// A rule violation is refused with the rule's name, and nothing is stored.
do {
    try await store.append(try event(6, .ideaAdvanced, at: "2025-06-02T12:00:00Z",
                                     ["challenge": .string(challenge), "stage": "screening"]))
} catch let violation as RuleViolation {
    print("refused: \(violation)")
}

print("the subscription saw: \(try await follower.value)")

let now = try await store.kpi()
let spring = try await store.kpi(asOf: .time(try Timestamp(rfc3339: "2025-04-01T00:00:00Z")))
for (label, report) in [("now", now), ("as of 2025-04-01", spring)] {
    let figures = report.indicators.filter { [.challengesReported, .ideaDevelopmentCompleted].contains($0.indicator) }
    print("KPI \(label): " + figures.map { "\($0.indicator.key) \($0.actual)" }.joined(separator: ", "))
}
print(try store.ledger.verify())
await store.close()

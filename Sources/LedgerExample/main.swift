// A complete, runnable tour of the Ledger API: open a store, append with an expected
// version, read a stream and the log back, follow new commits, and verify the chain.
// `make demo` runs it until the `careledger` command line exists.
import Ledger

let path = CommandLine.arguments.dropFirst().first ?? ".build/example-store"
let ledger = try Ledger(path: path)
let start = try ledger.head
let run = "run-\(Timestamp.now.rawValue)"

func event(_ n: Int, _ type: String) -> NewEvent {
    NewEvent(
        id: "\(run)-\(n)", type: type, occurredAt: .now,
        metadata: ["actor": "example"], payload: Array("{\"n\":\(n)}".utf8))
}

// Follow the log from the current head: the subscription wakes on each commit.
let follower = Task {
    var seen: [UInt64] = []
    for try await recorded in ledger.subscribe(from: start + 1) {
        seen.append(recorded.position)
        if seen.count == 3 { break }
    }
    return seen
}

let stream = "example-\(run)"
let first = try await ledger.append([event(1, "Opened")], to: stream, expecting: .noStream)
let second = try await ledger.append(
    [event(2, "Noted"), event(3, "Closed")], to: stream, expecting: .exact(first.streamVersion))
print("appended \(stream) at positions \(first.positions + second.positions), stream version \(second.streamVersion)")

do {
    _ = try await ledger.append([event(4, "Noted")], to: stream, expecting: .exact(1))
} catch let error as LedgerError {
    print("a stale writer is refused: \(error)")
}

for try await recorded in ledger.events(in: stream) {
    print("  \(recorded.streamVersion). \(recorded.type) at position \(recorded.position), hash \(recorded.hash.description.prefix(16))…")
}
print("subscription saw positions \(try await follower.value)")

let report = try ledger.verify()
print(report)

// A process for the reliability suite to kill: it appends a deterministic plan of batches
// (and, in `catch-up` mode, keeps a checkpointed projection current meanwhile), printing a
// line as each append returns. The suite sends SIGKILL at a random instant, then checks the
// store against what was acknowledged, and runs the worker again to finish the plan.
//
//   ReliabilityWorker append   STORE BATCHES TASKS
//   ReliabilityWorker catch-up STORE BATCHES TASKS
import Ledger
import Projections
#if canImport(Glibc)
import Glibc
#endif

/// Batch `b` of the plan: 1–7 events in stream `s<b % 13>`, ids `b<b>-<i>/<n>`, fixed contents.
enum Plan {
    static func events(ofBatch batch: Int) -> (stream: String, events: [NewEvent]) {
        let count = 1 + batch % 7
        let events = (0 ..< count).map { index in
            NewEvent(
                id: "b\(batch)-\(index)/\(count)", type: index % 3 == 0 ? "Added" : "Noted",
                occurredAt: Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(batch)),
                metadata: ["worker": "reliability"], payload: Array(repeating: UInt8(truncatingIfNeeded: batch), count: 40 + index))
        }
        return ("s\(batch % 13)", events)
    }
}

/// Counts events by type and folds their positions: enough to tell any lost, repeated or
/// reordered event.
struct Tally: Projection {
    struct State: Sendable, Hashable {
        var added: UInt64 = 0
        var noted: UInt64 = 0
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    }

    var name: String { "tally" }
    var version: UInt32 { 1 }
    var eventTypes: [String] { ["Added", "Noted"] }
    func initialState() -> State { State() }

    func apply(_ event: RecordView, to state: inout State) throws {
        if event.typeTag == EventTypeTag("Added") { state.added &+= 1 } else { state.noted &+= 1 }
        state.digest = (state.digest ^ event.position ^ UInt64(event.payload.count)) &* 0x0000_0100_0000_01b3
    }

    func encode(_ state: State, to writer: inout ByteWriter) {
        writer.write(state.added)
        writer.write(state.noted)
        writer.write(state.digest)
    }

    func decode(from reader: inout ByteReader) throws -> State {
        State(added: try reader.read(), noted: try reader.read(), digest: try reader.read())
    }
}

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let batches = Int(arguments[3]), let tasks = Int(arguments[4]), tasks > 0 else {
    say("usage: ReliabilityWorker append|catch-up STORE BATCHES TASKS")
    exit(64)
}
let mode = arguments[1]
let ledger = try Ledger(path: arguments[2])
var engine: ProjectionEngine?
if mode == "catch-up" {
    var configuration = ProjectionEngine.Configuration()
    configuration.checkpointInterval = 16
    configuration.snapshotInterval = 64
    configuration.chunkSize = 32
    let projections = try await ProjectionEngine(ledger: ledger, configuration: configuration)
    _ = try await projections.register(Tally())
    projections.start()
    engine = projections
}
say("ready")
try await withThrowingTaskGroup(of: Void.self) { group in
    for task in 0 ..< tasks {
        group.addTask {
            for batch in stride(from: task, to: batches, by: tasks) {
                let (stream, events) = Plan.events(ofBatch: batch)
                _ = try await ledger.append(events, to: stream)
                say("ack \(batch)")
            }
        }
    }
    try await group.waitForAll()
}
if let engine { _ = try await engine.catchUp() }
say("done")

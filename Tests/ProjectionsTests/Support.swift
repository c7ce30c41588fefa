import Foundation
import Ledger
import Projections
import Synchronization
import Testing

/// A temporary store directory for one test, removed afterwards.
func withTemporaryStore<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> T
) async throws -> T {
    var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-projections-XXXXXX").utf8CString)
    let root = String(cString: try #require(mkdtemp(&template)))
    defer { try? FileManager.default.removeItem(atPath: root) }
    return try await body(root + "/store")
}

/// A deterministic pseudo-random generator (SplitMix64), so every property run is reproducible
/// from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One generated event: its stream, type, value and time.
struct Sample: Sendable, Hashable {
    var id: String
    var stream: String
    var type: String
    var value: UInt64
    var time: Int64

    var event: NewEvent {
        var payload = [UInt8]()
        withUnsafeBytes(of: value.littleEndian) { payload.append(contentsOf: $0) }
        return NewEvent(id: id, type: type, occurredAt: Timestamp(secondsSinceEpoch: time), payload: payload)
    }

    static func generate(_ count: Int, seed: UInt64, prefix: String = "e") -> [Sample] {
        var rng = SeededGenerator(state: seed)
        let types = ["Added", "Removed", "Renamed", "Ignored"]
        return (0 ..< count).map { n in
            Sample(
                id: "\(prefix)\(n)", stream: "s-\(rng.next() % 7)", type: types[Int(rng.next() % 4)],
                value: rng.next() % 1000, time: 1_700_000_000 + Int64(rng.next() % 100_000))
        }
    }
}

/// The test projection: a running total and count per consumed type, and an order-sensitive
/// digest of what it saw, so any lost, duplicated or reordered event changes the state.
struct Totals: Projection {
    struct State: Sendable, Hashable {
        var added: UInt64 = 0
        var removed: UInt64 = 0
        var renames: UInt64 = 0
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    }

    var name = "totals"
    var version: UInt32 = 1
    /// This projection's own snapshot interval (`nil`: the engine's).
    var every: UInt64? = nil
    var snapshotInterval: UInt64? { every }
    /// Version 2 of the fold counts renames double, to tell a rebuild from a resume.
    var renameWeight: UInt64 { version >= 2 ? 2 : 1 }
    var eventTypes: [String] { ["Added", "Removed", "Renamed"] }

    func initialState() -> State { State() }

    func apply(_ event: RecordView, to state: inout State) throws {
        let value = event.payload.loadUnaligned(as: UInt64.self)
        switch event.typeTag {
        case EventTypeTag("Added"): state.added &+= value
        case EventTypeTag("Removed"): state.removed &+= value
        default: state.renames &+= renameWeight
        }
        state.digest = (state.digest ^ event.position ^ (value << 20)) &* 0x0000_0100_0000_01b3
    }

    func encode(_ state: State, to writer: inout ByteWriter) {
        writer.write(state.added)
        writer.write(state.removed)
        writer.write(state.renames)
        writer.write(state.digest)
    }

    func decode(from reader: inout ByteReader) throws -> State {
        State(added: try reader.read(), removed: try reader.read(), renames: try reader.read(), digest: try reader.read())
    }

    /// The same fold over samples in memory: what the engine must agree with.
    func fold(_ samples: some Sequence<(position: UInt64, sample: Sample)>) -> State {
        var state = State()
        for (position, sample) in samples where eventTypes.contains(sample.type) {
            switch sample.type {
            case "Added": state.added &+= sample.value
            case "Removed": state.removed &+= sample.value
            default: state.renames &+= renameWeight
            }
            state.digest = (state.digest ^ position ^ (sample.value << 20)) &* 0x0000_0100_0000_01b3
        }
        return state
    }
}

/// A projection that throws on events whose value is 13 until its switch is flipped, after
/// changing its state (as a careless fold might).
struct Fragile: Projection {
    final class Switch: Sendable {
        let fixed = Atomic(false)
    }

    struct Unlucky: Error {}

    let fix: Switch
    var name: String { "fragile" }
    var version: UInt32 { 1 }
    var eventTypes: [String] { ["Added"] }
    func initialState() -> UInt64 { 0 }
    func apply(_ event: RecordView, to state: inout UInt64) throws {
        // Changes the state before it throws: the engine must not keep that change.
        state += 1
        let value = event.payload.loadUnaligned(as: UInt64.self)
        if value == 13 && !fix.fixed.load(ordering: .relaxed) { throw Unlucky() }
    }
    func encode(_ state: UInt64, to writer: inout ByteWriter) { writer.write(state) }
    func decode(from reader: inout ByteReader) throws -> UInt64 { try reader.read() }
}

extension Ledger {
    /// Appends `samples` in batches of random sizes, each batch to the streams it names.
    /// - Returns: the samples with the positions they were given.
    func append(_ samples: [Sample], batches rng: inout SeededGenerator) async throws -> [(position: UInt64, sample: Sample)] {
        var stored: [(UInt64, Sample)] = []
        var index = 0
        while index < samples.count {
            let size = Int(rng.next() % 40) + 1
            let batch = samples[index ..< Swift.min(samples.count, index + size)]
            let grouped = Dictionary(grouping: batch, by: \.stream)
            let results = try await append(grouped.map { StreamAppend($0.value.map(\.event), to: $0.key) })
            for (result, stream) in zip(results, grouped.keys) {
                for (position, sample) in zip(result.positions, grouped[stream]!) { stored.append((position, sample)) }
            }
            index += size
        }
        return stored.sorted { $0.0 < $1.0 }
    }
}

extension Ledger {
    /// Appends `count` generated samples (seed `seed`) in random batches, the one at `index`
    /// replaced by the only event whose value is 13, which ``Fragile`` fails on.
    /// - Returns: the samples with the positions they were given, and that event's position.
    func appendWithUnluckyEvent(count: Int, seed: UInt64, at index: Int) async throws
        -> (stored: [(position: UInt64, sample: Sample)], failing: UInt64)
    {
        var samples = Sample.generate(count, seed: seed).map { sample -> Sample in
            var sample = sample
            if sample.value == 13 { sample.value = 14 }
            return sample
        }
        samples[index] = Sample(id: "unlucky", stream: "s-1", type: "Added", value: 13, time: 1_700_000_000)
        var rng = SeededGenerator(state: seed)
        let stored = try await append(samples, batches: &rng)
        return (stored, try #require(stored.first { $0.sample.id == "unlucky" }).position)
    }
}

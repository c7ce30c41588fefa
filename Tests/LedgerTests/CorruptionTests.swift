import Foundation
import Ledger
import Testing

@Suite("Corruption: damaged copies of a store are refused or reported, never crash")
struct CorruptionTests {
    /// Flips random bytes (or truncates) in copies of a store's data file; each copy must open
    /// with an error, or open and verify with a problem or intact (a flip in free space), and
    /// the process must survive every one.
    @Test("random byte flips and truncations", arguments: [UInt64(1), 2, 3])
    func randomDamage(seed: UInt64) async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            for batch in 0 ..< 20 {
                try await ledger.append((0 ..< 100).map { .sample("e\(batch)-\($0)") }, to: "s\(batch % 7)")
            }
            let intact = try ledger.verify()
            ledger.close()
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.path + "/data.mdb")))
            var random = SplitMix(seed: seed)
            var outcomes: [String: Int] = [:]
            for trial in 0 ..< 40 {
                var bytes = original
                let truncate = trial % 8 == 7
                if truncate {
                    bytes.removeLast(Int(random.next() % UInt64(bytes.count - 1)) + 1)
                } else {
                    for _ in 0 ... (random.next() % 4) {
                        let offset = Int(random.next() % UInt64(bytes.count))
                        bytes[offset] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                    }
                }
                let directory = store.sibling("copy-\(trial)")
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
                try Data(bytes).write(to: URL(fileURLWithPath: directory + "/data.mdb"))
                do {
                    let copy = try Ledger(path: directory)
                    defer { copy.close() }
                    let report = try copy.verify()
                    outcomes[report.isIntact ? "intact" : "damaged", default: 0] += 1
                    if report.isIntact {
                        // A flip in unused bytes: the verified history is exactly the original.
                        #expect(report.head == intact.head && report.headHash == intact.headHash, "trial \(trial)")
                    } else {
                        #expect(report.problem!.position >= 1 && report.problem!.position <= intact.head + 1, "trial \(trial)")
                    }
                } catch let error as LedgerError {
                    outcomes["refused", default: 0] += 1
                    guard case .storage(let storage) = error else {
                        Issue.record("trial \(trial): unexpected \(error)")
                        continue
                    }
                    #expect([.corrupted, .invalid, .pageNotFound, .versionMismatch].contains(storage.code), "trial \(trial): \(storage)")
                    #expect(String(describing: storage).contains(directory), "the error names the store")
                }
                try FileManager.default.removeItem(atPath: directory)
            }
            print("seed \(seed): \(outcomes.sorted { $0.key < $1.key })")
            #expect(outcomes.values.reduce(0, +) == 40)
        }
    }
}

/// SplitMix64.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
import Ledger
import Projections
import Synchronization
@testable import ReliabilityWorker
import Testing

/// How many kills each crash test makes: a few in `make test`, at least 25 per mode (50 in all)
/// with `CARELEDGER_RELIABILITY=full`.
let killsPerMode = ProcessInfo.processInfo.environment["CARELEDGER_RELIABILITY"] == "full" ? 25 : 3

/// The worker executable, built beside the test bundle.
let workerExecutable: String = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("ReliabilityWorker").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}()

@Suite("Crashes: a worker killed at random instants loses nothing it acknowledged", .serialized)
struct CrashTests {
    static let batches = 2000

    @Test("SIGKILL during concurrent durable appends", arguments: ["append", "catch-up"])
    func killedWorker(mode: String) async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = root + "/store"
        var random = SystemRandomNumberGenerator()
        var acknowledged = Set<Int>()
        var kills = 0
        var midRun: [Int] = []
        while kills < killsPerMode {
            let run = try WorkerRun(mode: mode, store: store, batches: Self.batches)
            try await run.waitUntilReady()
            try await Task.sleep(for: .milliseconds(Int.random(in: 5 ... 250, using: &random)))
            let finished = run.kill()
            acknowledged.formUnion(run.acknowledged())
            if !finished { kills += 1 }
            midRun.append(run.acknowledged().count)
            try await checkStore(store, acknowledged: acknowledged, mode: mode, complete: false)
            if finished { break } // the plan completed before the kill: the store is complete
        }
        print("\(mode): \(kills) kills; batches acknowledged by each killed run: \(midRun)")
        // Resuming completes the plan exactly: every batch once, nothing else.
        let last = try WorkerRun(mode: mode, store: store, batches: Self.batches)
        #expect(last.waitForExit() == 0, "the resumed worker finishes: \(last.output())")
        try await checkStore(store, acknowledged: Set(0 ..< Self.batches), mode: mode, complete: true)
    }

    /// Opens the store, verifies it and checks that every acknowledged batch is present, that
    /// no batch is partly present or repeated, and (catch-up) that the read model agrees with
    /// its checkpoint and catches up to a full fold.
    func checkStore(_ store: String, acknowledged: Set<Int>, mode: String, complete: Bool) async throws {
        let ledger = try Ledger(path: store)
        defer { ledger.close() }
        let report = try ledger.verify()
        #expect(report.isIntact, "\(report)")
        var seen: [Int: Set<Int>] = [:]
        var duplicates = 0
        _ = try ledger.read { scope in
            try scope.forEachRecord { record in
                let parts = record.id.dropFirst().split(separator: "-")
                let batch = Int(parts[0])!
                let index = Int(parts[1].split(separator: "/")[0])!
                if seen[batch, default: []].insert(index).inserted == false { duplicates += 1 }
                return true
            }
        }
        #expect(duplicates == 0)
        for (batch, indices) in seen {
            #expect(indices.count == Plan.events(ofBatch: batch).events.count, "batch \(batch) is partly stored")
        }
        let missing = acknowledged.subtracting(seen.keys)
        #expect(missing.isEmpty, "acknowledged batches missing: \(missing.sorted().prefix(10))")
        if complete { #expect(Set(seen.keys) == Set(0 ..< Self.batches)) }
        if mode == "catch-up" { try await checkReadModel(ledger) }
    }

    func checkReadModel(_ ledger: Ledger) async throws {
        let engine = try await ProjectionEngine(ledger: ledger)
        let tally = try await engine.register(Tally())
        let checkpoint = try #require(engine.status().first { $0.name == "tally" }).checkpoint
        let stored = try engine.state(of: tally)
        // The persisted read model is exactly the fold of the log up to its checkpoint.
        #expect(stored == (try engine.state(of: tally, asOf: .position(checkpoint))), "checkpoint \(checkpoint)")
        let head = try await engine.catchUp()
        #expect(try engine.state(of: tally) == (try engine.state(of: tally, asOf: .position(head))))
    }
}

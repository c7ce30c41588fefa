import CareLedger
import Foundation
import Testing

@Suite("An import killed at random instants leaves whole batches, and re-running it completes it", .serialized)
struct ImportCrashTests {
    static let kills = ProcessInfo.processInfo.environment["CARELEDGER_RELIABILITY"] == "full" ? 25 : 3

    @Test("SIGKILL during `careledger import`")
    func killedImport() throws {
        try withTemporaryDirectory { root in
            let file = root + "/history.jsonl"
            let writer = try JSONLinesWriter(path: file, mode: .createNew)
            for event in CareHistory(seed: 77, count: 6_000) { try writer.write(event.line) }
            try writer.close()
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let batch = 500
            // How long a whole import takes here: kills land uniformly over that span, so both
            // the checking pass and the committing pass are hit.
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try run(["import", file, "--store", root + "/probe", "--batch-size", String(batch)]).status == 0)
            let span = clock.now - started
            let spanMicroseconds = UInt32(span.components.seconds * 1_000_000 + span.components.attoseconds / 1_000_000_000_000)
            var killedMidway = 0
            var storedAfterKills: [Int] = []
            for attempt in 0 ..< Self.kills * 3 where killedMidway < Self.kills {
                let store = root + "/store-\(attempt)"
                let process = Process()
                process.executableURL = URL(fileURLWithPath: careledger)
                process.arguments = ["import", file, "--store", store, "--batch-size", String(batch)]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(useconds_t(UInt32.random(in: 50_000 ... max(100_000, spanMicroseconds * 7 / 10))))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killedMidway += 1
                }
                process.waitUntilExit()
                guard FileManager.default.fileExists(atPath: store + "/data.mdb") else { continue } // killed before the store existed
                // The store opens and verifies; it holds exactly a prefix of the file in whole batches.
                let verified = try run(["verify", "--store", store])
                #expect(verified.status == 0, "attempt \(attempt): \(verified.output) \(verified.errors)")
                let exported = try run(["export", "--store", store])
                let stored = exported.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                #expect(stored.count % batch == 0 || stored.count == lines.count - 1, "attempt \(attempt): \(stored.count) events")
                #expect(stored.elementsEqual(lines.prefix(stored.count)), "attempt \(attempt): the stored events are the file's first lines")
                storedAfterKills.append(stored.count)
                // Re-running the same import completes it exactly.
                let finished = try run(["import", file, "--store", store, "--batch-size", String(batch)])
                #expect(finished.status == 0, "\(finished.errors)")
                #expect(try run(["export", "--store", store]).output == (try String(contentsOfFile: file, encoding: .utf8)))
                try FileManager.default.removeItem(atPath: store)
            }
            print("import kills: \(killedMidway); events stored after each kill: \(storedAfterKills)")
            #expect(killedMidway > 0, "at least one kill landed during the import")
        }
    }
}

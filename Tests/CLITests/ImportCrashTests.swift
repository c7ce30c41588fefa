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
            let store = root + "/store"
            let batch = 500
            var killedMidway = 0
            var storedAfterKills: [Int] = []
            for attempt in 0 ..< Self.kills * 3 where killedMidway < Self.kills {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: careledger)
                process.arguments = ["import", file, "--store", store, "--batch-size", String(batch)]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(useconds_t(UInt32.random(in: 300_000 ... 4_000_000)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killedMidway += 1
                }
                process.waitUntilExit()
                // The store opens and verifies; it holds exactly a prefix of the file in whole batches.
                let verified = try run(["verify", "--store", store])
                #expect(verified.status == 0, "attempt \(attempt): \(verified.output) \(verified.errors)")
                let exported = try run(["export", "--store", store])
                let stored = exported.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                #expect(stored.count % batch == 0 || stored.count == lines.count - 1, "attempt \(attempt): \(stored.count) events")
                #expect(stored.elementsEqual(lines.prefix(stored.count)), "attempt \(attempt): the stored events are the file's first lines")
                storedAfterKills.append(stored.count)
                if stored.count == lines.count - 1 { break }
            }
            print("import kills: \(killedMidway); events stored after each run: \(storedAfterKills)")
            let finished = try run(["import", file, "--store", store, "--batch-size", String(batch)])
            #expect(finished.status == 0, "\(finished.errors)")
            #expect(try run(["export", "--store", store]).output == (try String(contentsOfFile: file, encoding: .utf8)))
            #expect(killedMidway > 0, "at least one kill landed during the import")
        }
    }
}

import Foundation
import Ledger
import Testing

/// The `LedgerExample` executable, built beside the test bundle by `swift build`.
private var exampleExecutable: String? {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("LedgerExample").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite("Two processes on one store")
struct MultiProcessTests {
    @Test(
        "another process appends while this one has the store open; both chains continue",
        .enabled(if: exampleExecutable != nil, "needs the LedgerExample executable: run `swift build` first"))
    func interleavedProcesses() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append((1 ... 5).map { .sample("mine-\($0)") }, to: "mine", expecting: .noStream)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(exampleExecutable))
            process.arguments = [store.path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            process.waitUntilExit()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "example failed: \(text)")
            #expect(text.contains("intact: 8 events"))

            // This process continues the chain the other one extended.
            let result = try await ledger.append([.sample("mine-6")], to: "mine", expecting: .exact(5))
            #expect(result.positions == [9])
            let report = try ledger.verify()
            #expect(report.isIntact)
            #expect(report.head == 9)
        }
    }
}

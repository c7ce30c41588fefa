import Foundation
import Synchronization

/// One run of the `ReliabilityWorker` executable, its output collected as it comes.
final class WorkerRun: Sendable {
    private let process: Process
    private let collected = Collected()

    private final class Collected: Sendable {
        let bytes = Mutex<[UInt8]>([])
        func append(_ data: Data) { bytes.withLock { $0.append(contentsOf: data) } }
        var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    init(mode: String, store: String, batches: Int, tasks: Int = 8) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: workerExecutable)
        process.arguments = [mode, store, String(batches), String(tasks)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let collected = self.collected
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.append(data)
        }
        try process.run()
        self.process = process
    }

    /// Everything the worker printed so far.
    func output() -> String { collected.text }

    /// Waits (up to a minute) for the worker's `ready` line.
    func waitUntilReady() async throws {
        for _ in 0 ..< 6000 {
            if output().contains("ready\n") { return }
            if !process.isRunning { throw WorkerFailed(output: output()) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WorkerFailed(output: "no ready line after a minute: " + output())
    }

    /// Kills the worker with SIGKILL unless it already ended; returns whether it had finished.
    func kill() -> Bool {
        let finished = !process.isRunning
        if !finished { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return finished && process.terminationStatus == 0
    }

    /// Waits for the worker to exit and returns its status.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The batches whose append returned: complete `ack N` lines.
    func acknowledged() -> Set<Int> {
        // Only whole lines: the kill may cut the last one.
        let text = output()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return Set(lines.compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil })
    }
}

struct WorkerFailed: Error, CustomStringConvertible {
    var output: String
    var description: String { "the worker failed: \(output)" }
}

func temporaryDirectory() throws -> String {
    var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-crash-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
    return String(cString: made)
}

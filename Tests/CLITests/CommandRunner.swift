import Foundation
import Testing

/// The `careledger` executable built beside the test bundle.
let careledger: String = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("careledger").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}()

/// The repository's root (for `Fixtures/`).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    return FileManager.default.currentDirectoryPath
}()

/// What one run of the executable printed and how it ended.
struct CommandResult {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs `careledger` with `arguments`, stdin closed, and collects its output.
func run(_ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: careledger)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes to the end concurrently so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    group.enter()
    DispatchQueue.global().async {
        errorData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outputData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                         errors: String(decoding: errorData, as: UTF8.self))
}

/// A temporary directory removed after `body`.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-cli-XXXXXX").utf8CString)
    let root = String(cString: try #require(mkdtemp(&template)))
    defer { try? FileManager.default.removeItem(atPath: root) }
    return try body(root)
}

/// Checks that a failed run looks like a refusal, not a crash.
func expectCleanFailure(_ result: CommandResult, status: Int32 = 1, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == status, "exit status", sourceLocation: sourceLocation)
    for crash in ["Fatal error", "Backtrace", "Stack dump", "SIGSEGV", "Illegal instruction"] {
        #expect(!result.errors.contains(crash), "\(crash) in: \(result.errors)", sourceLocation: sourceLocation)
    }
    #expect(!result.errors.isEmpty, "an error message on stderr", sourceLocation: sourceLocation)
}

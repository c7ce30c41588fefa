import BenchmarkSupport
import CareLedger
import Foundation

/// The JSON Lines file the import benchmarks read: ``CareHistory`` of ``events`` events (seed
/// ``seed``), one ``CareEvent/line`` per line, as `careledger generate` writes it.
///
/// It lives in `Benchmarks/.stores/import-<events>-s<seed>-v<formatVersion>.jsonl`, written once
/// to a `.partial` file and renamed when complete, and reused by every later run; a change of
/// size, seed or ``formatVersion`` (bump it when the generator or the line format changes)
/// makes a new one.
enum ImportFile {
    /// 100 k events (quick mode, the default), or 1 M with `CARELEDGER_BENCH_FULL=1`.
    static let events: Int = ProcessInfo.processInfo.environment["CARELEDGER_BENCH_FULL"] == "1" ? 1_000_000 : 100_000
    static let seed: UInt64 = 42
    static let formatVersion = 1

    static let url: URL = RunResults.packageDirectory
        .appendingPathComponent(".stores")
        .appendingPathComponent("import-\(events)-s\(seed)-v\(formatVersion).jsonl")
    static var path: String { url.path }

    /// Writes the file unless it exists.
    static func ensure() throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = path + ".partial"
        report("Generating the import file: \(events) events (seed \(seed)) in \(path) …")
        let writer = try JSONLinesWriter(path: partial, mode: .truncate)
        for event in CareHistory(seed: seed, count: events) { try writer.write(event.line) }
        try writer.close()
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }

    /// The file's size in bytes.
    static var bytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

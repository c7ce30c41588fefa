import Benchmark
import Foundation

/// The events-per-second metric every append benchmark reports: one sample per measured
/// iteration, the events of that iteration divided by the time its appends took (timed inside
/// the measured region, so building the events is not counted).
let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)

/// The events one commit carried, per iteration, for the durable ledger benchmarks: how well
/// group commit gathers concurrent appends (commits are counted from the store's data file).
let eventsPerCommit = BenchmarkMetric.custom("events/commit", polarity: .prefersLarger, useScalingFactor: false)

/// One benchmark's events-per-second samples, reported to ordo-one/benchmark as
/// ``eventsPerSecond`` and, at teardown, saved for the summary (see ``RunResults``).
final class Rates {
    let key: String
    let name: String
    let eventsPerIteration: Int
    private var samples: [Double] = []
    private var commitSamples: [Double] = []

    init(key: String, name: String, eventsPerIteration: Int) {
        self.key = key
        self.name = name
        self.eventsPerIteration = eventsPerIteration
        samples.reserveCapacity(1 << 16)
    }

    /// Records one iteration of `events` events that took `elapsed`; warm-up iterations are
    /// left out, as ordo-one/benchmark leaves them out of its own statistics.
    @inline(__always)
    func record(_ benchmark: Benchmark, events: Int, elapsed: Duration) {
        guard benchmark.currentIteration >= benchmark.configuration.warmupIterations else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard seconds > 0 else { return }
        let rate = Double(events) / seconds
        samples.append(rate)
        benchmark.measurement(eventsPerSecond, Int(rate.rounded()))
    }

    /// Records that an iteration of `events` events took `commits` commits.
    func record(_ benchmark: Benchmark, events: Int, commits: UInt64) {
        guard benchmark.currentIteration >= benchmark.configuration.warmupIterations, commits > 0 else { return }
        let perCommit = Double(events) / Double(commits)
        commitSamples.append(perCommit)
        benchmark.measurement(eventsPerCommit, Int(perCommit.rounded()))
    }

    /// Saves the median and quartiles for the summary benchmark of this run.
    func save() {
        guard !samples.isEmpty else { return }
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))] }
        RunResults.save(
            RunResults.Entry(
                runID: RunResults.runID, key: key, name: name, eventsPerIteration: eventsPerIteration,
                iterations: sorted.count, p25: percentile(0.25), p50: percentile(0.5), p75: percentile(0.75),
                eventsPerCommit: commitSamples.isEmpty ? nil : commitSamples.sorted()[commitSamples.count / 2]))
    }
}

/// Rates handed from each benchmark to the summary benchmark of the same run.
///
/// ordo-one/benchmark runs every benchmark in a process of its own, in order of name, so the
/// results travel through files: each benchmark writes `Benchmarks/.results/<key>.json` in
/// its teardown, tagged with the run (the benchmark tool's process, which starts every
/// benchmark process of one run), and the summary, which runs last, reads those of its own run.
/// `Benchmarks/.results/` is ignored by git.
enum RunResults {
    struct Entry: Codable {
        var runID: String
        var key: String
        var name: String
        var eventsPerIteration: Int
        var iterations: Int
        var p25: Double
        var p50: Double
        var p75: Double
        /// The median events per commit, where counted.
        var eventsPerCommit: Double?
    }

    /// `Benchmarks/.results`, found from this source file's place in the package.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // AppendThroughput
        .deletingLastPathComponent() // Benchmarks (targets)
        .deletingLastPathComponent() // Benchmarks (package)
        .appendingPathComponent(".results")

    /// The parent process and its start time (so a reused process id is not taken for the
    /// same run).
    static let runID: String = {
        let parent = getppid()
        let stat = (try? String(contentsOfFile: "/proc/\(parent)/stat", encoding: .utf8)) ?? ""
        // Field 22 (starttime) counts from after the command name, which may hold spaces.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let start = fields.count > 19 ? String(fields[19]) : "?"
        return "\(parent)-\(start)"
    }()

    static func save(_ entry: Entry) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(entry).write(to: directory.appendingPathComponent("\(entry.key).json"))
        } catch {
            report("could not save the result of \(entry.name) for the summary: \(error)")
        }
    }

    /// The entries saved by this run, by key.
    static func load() -> [String: Entry] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        var entries: [String: Entry] = [:]
        for file in files where file.pathExtension == "json" {
            guard let data = try? Data(contentsOf: file), let entry = try? JSONDecoder().decode(Entry.self, from: data),
                  entry.runID == runID
            else { continue }
            entries[entry.key] = entry
        }
        return entries
    }
}

/// Prints to standard output, or to standard error when the benchmark tool writes
/// machine-readable output to standard output (it then passes `--suppress-metric-warnings`).
func report(_ text: String) {
    if CommandLine.arguments.contains("--suppress-metric-warnings") {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    } else {
        print(text)
        fflush(nil)
    }
}

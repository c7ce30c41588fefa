import Benchmark
import Foundation

/// The events-per-second metric every throughput benchmark reports: one sample per measured
/// iteration, the events of that iteration divided by the time its work took (timed inside
/// the measured region, so preparing the iteration is not counted).
public let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)

/// The events one commit carried, per iteration, for the durable ledger benchmarks: how well
/// group commit gathers concurrent appends (commits are counted from the store's data file).
public let eventsPerCommit = BenchmarkMetric.custom("events/commit", polarity: .prefersLarger, useScalingFactor: false)

/// One benchmark's events-per-second samples, reported to ordo-one/benchmark as
/// ``eventsPerSecond`` and, at teardown, saved for the summary (see ``RunResults``).
///
/// Besides the rates, a benchmark may keep named samples of other figures (``record(_:_:)``,
/// say an as-of query's latency or an iteration's allocations); the summary receives their
/// median, quartiles and maximum as ``RunResults/Entry/extras``.
public final class Rates {
    public let key: String
    public let name: String
    public let eventsPerIteration: Int
    private var samples: [Double] = []
    private var commitSamples: [Double] = []
    private var named: [String: [Double]] = [:]
    /// Figures saved as they are (not sampled), e.g. facts about the store.
    public var facts: [String: Double] = [:]

    public init(key: String, name: String, eventsPerIteration: Int) {
        self.key = key
        self.name = name
        self.eventsPerIteration = eventsPerIteration
        samples.reserveCapacity(1 << 16)
    }

    /// Whether the current iteration is measured (not a warm-up one, which ordo-one/benchmark
    /// leaves out of its own statistics, so these samples leave it out too).
    @inline(__always)
    public func measures(_ benchmark: Benchmark) -> Bool {
        benchmark.currentIteration >= benchmark.configuration.warmupIterations
    }

    /// Records one iteration of `events` events that took `elapsed`; warm-up iterations are
    /// left out, as ordo-one/benchmark leaves them out of its own statistics.
    @inline(__always)
    public func record(_ benchmark: Benchmark, events: Int, elapsed: Duration) {
        guard measures(benchmark) else { return }
        let seconds = elapsed.seconds
        guard seconds > 0 else { return }
        let rate = Double(events) / seconds
        samples.append(rate)
        benchmark.measurement(eventsPerSecond, Int(rate.rounded()))
    }

    /// Records that an iteration of `events` events took `commits` commits.
    public func record(_ benchmark: Benchmark, events: Int, commits: UInt64) {
        guard measures(benchmark), commits > 0 else { return }
        let perCommit = Double(events) / Double(commits)
        commitSamples.append(perCommit)
        benchmark.measurement(eventsPerCommit, Int(perCommit.rounded()))
    }

    /// Keeps one sample of the figure `name` for the summary (call only for measured iterations).
    public func record(_ name: String, _ value: Double) {
        named[name, default: []].append(value)
    }

    /// Saves the median and quartiles for the summary benchmark of this run.
    public func save() {
        guard !samples.isEmpty || !named.isEmpty || !facts.isEmpty else { return }
        let rates = Percentiles(samples)
        var extras = facts
        for (name, values) in named {
            let figure = Percentiles(values)
            extras[name + ".p25"] = figure.p25
            extras[name + ".p50"] = figure.p50
            extras[name + ".p75"] = figure.p75
            extras[name + ".max"] = figure.max
        }
        RunResults.save(
            RunResults.Entry(
                runID: RunResults.runID, key: key, name: name, eventsPerIteration: eventsPerIteration,
                iterations: samples.count, p25: rates.p25, p50: rates.p50, p75: rates.p75,
                eventsPerCommit: commitSamples.isEmpty ? nil : commitSamples.sorted()[commitSamples.count / 2],
                extras: extras.isEmpty ? nil : extras))
    }
}

/// Quartiles, 99th percentile and maximum of a set of samples (0 for none), by the
/// nearest-rank method.
public struct Percentiles {
    public let p25: Double
    public let p50: Double
    public let p75: Double
    public let p99: Double
    public let max: Double

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
        }
        p25 = percentile(0.25)
        p50 = percentile(0.5)
        p75 = percentile(0.75)
        p99 = percentile(0.99)
        max = sorted.last ?? 0
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

/// Rates handed from each benchmark to the summary benchmark of the same run.
///
/// ordo-one/benchmark runs every benchmark in a process of its own, in order of name, so the
/// results travel through files: each benchmark writes `Benchmarks/.results/<key>.json` in
/// its teardown, tagged with the run (the benchmark tool's process, which starts every
/// benchmark process of one run), and the summary, which runs last, reads those of its own run.
/// `Benchmarks/.results/` is ignored by git.
public enum RunResults {
    public struct Entry: Codable {
        public var runID: String
        public var key: String
        public var name: String
        public var eventsPerIteration: Int
        public var iterations: Int
        public var p25: Double
        public var p50: Double
        public var p75: Double
        /// The median events per commit, where counted.
        public var eventsPerCommit: Double?
        /// Other figures by name: samples as `<name>.p25`, `.p50`, `.p75`, `.max`; facts as they are.
        public var extras: [String: Double]?

        public init(
            runID: String, key: String, name: String, eventsPerIteration: Int, iterations: Int,
            p25: Double, p50: Double, p75: Double, eventsPerCommit: Double? = nil, extras: [String: Double]? = nil
        ) {
            self.runID = runID
            self.key = key
            self.name = name
            self.eventsPerIteration = eventsPerIteration
            self.iterations = iterations
            self.p25 = p25
            self.p50 = p50
            self.p75 = p75
            self.eventsPerCommit = eventsPerCommit
            self.extras = extras
        }

        /// The figure `name` of ``extras``.
        public func extra(_ name: String) -> Double? { extras?[name] }
    }

    /// The benchmark package's directory (`Benchmarks/`), found from this source file's place in it.
    public static let packageDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // BenchmarkSupport
        .deletingLastPathComponent() // Sources
        .deletingLastPathComponent() // Benchmarks (package)

    /// `Benchmarks/.results`.
    public static let directory: URL = packageDirectory.appendingPathComponent(".results")

    /// The parent process and its start time (so a reused process id is not taken for the
    /// same run).
    public static let runID: String = {
        let parent = getppid()
        let stat = (try? String(contentsOfFile: "/proc/\(parent)/stat", encoding: .utf8)) ?? ""
        // Field 22 (starttime) counts from after the command name, which may hold spaces.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let start = fields.count > 19 ? String(fields[19]) : "?"
        return "\(parent)-\(start)"
    }()

    public static func save(_ entry: Entry) {
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
    public static func load() -> [String: Entry] {
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

    /// Writes a summary's markdown to `Benchmarks/.results/<file>` and prints it.
    public static func publish(_ markdown: String, as file: String) {
        let url = directory.appendingPathComponent(file)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? (markdown + "\n").write(to: url, atomically: true, encoding: .utf8)
        report("\n" + markdown + "\n\n(written to \(url.path))\n")
    }
}

/// Prints to standard output, or to standard error when the benchmark tool writes
/// machine-readable output to standard output (it then passes `--suppress-metric-warnings`).
public func report(_ text: String) {
    if CommandLine.arguments.contains("--suppress-metric-warnings") {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    } else {
        print(text)
        fflush(nil)
    }
}

public struct BenchmarkFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A new directory `<prefix>-XXXXXX` under the temporary directory, for a store one iteration
/// makes and removes.
public func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var template = Array((FileManager.default.temporaryDirectory.path + "/\(prefix)-XXXXXX").utf8CString)
    guard let path = mkdtemp(&template) else { throw BenchmarkFailure("mkdtemp for \(prefix) failed: errno \(errno)") }
    return String(cString: path)
}

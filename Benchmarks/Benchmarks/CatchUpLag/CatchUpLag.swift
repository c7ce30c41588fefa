import Benchmark
import BenchmarkSupport
import CareLedger
import Foundation

/// How far the reports trail the log while an application appends at a sustained rate: the
/// engine's real catch-up runner (`ProjectionEngine.start()`) following a `CareStore` with its
/// three reports (KPI, funnel, geography), fed generated CareWare events (``LagRun``).
///
/// ```sh
/// swift package --package-path Benchmarks benchmark --target CatchUpLag --no-progress
/// CARELEDGER_BENCH_LAG_RATE=50000 swift package --package-path Benchmarks benchmark --target CatchUpLag --no-progress
/// ```
///
/// One iteration: a new store under the temporary directory; the appender appends
/// ``LagSettings/events`` events of ``CareHistory`` in batches of ``LagSettings/batchSize``
/// under `Durability.deferred`, paced at ``LagSettings/rate`` events/s; the runner follows.
/// The store starts empty, so the reports' tables grow during the run as they would in a new
/// programme. There is no baseline: the figures are the lag itself (p50, p99, max over every
/// sample of the measured iterations), and the sustained append rate beside the paced one.
/// They are printed and written to `Benchmarks/.results/catch-up-lag-summary.md`.
///
/// Metrics per iteration: the sustained rate (`events/s`) and the lag's p50/p99 in events
/// and microseconds. No thresholds: the lag depends on how the two cores are shared.
let benchmarks: @Sendable () -> Void = {
    let lag = LagMetrics()
    final class Fixture { var batches: [[CareEvent]] = [] }
    let fixture = Fixture()
    let pooled = LagSamples()
    Benchmark(
        LagSettings.name,
        configuration: .init(
            metrics: [eventsPerSecond, lag.eventsP50, lag.eventsP99, lag.microsecondsP50, lag.microsecondsP99, .peakMemoryResident],
            timeUnits: .milliseconds, warmupIterations: 0,
            maxDuration: .seconds(LagSettings.full ? 200 : 30), maxIterations: LagSettings.full ? 3 : 2, thresholds: [:])
    ) { benchmark in
        let root = try makeTemporaryDirectory("careledger-lag")
        defer { try? FileManager.default.removeItem(atPath: root) }
        benchmark.startMeasurement()
        let outcome = try await LagRun(rate: LagSettings.rate, batches: fixture.batches).run(in: root + "/store")
        benchmark.stopMeasurement()
        let sustained = Double(outcome.events) / outcome.appendSeconds
        benchmark.measurement(eventsPerSecond, Int(sustained.rounded()))
        let events = Percentiles(outcome.lagEvents)
        let milliseconds = Percentiles(outcome.lagMilliseconds)
        benchmark.measurement(lag.eventsP50, Int(events.p50))
        benchmark.measurement(lag.eventsP99, Int(events.p99))
        benchmark.measurement(lag.microsecondsP50, Int(milliseconds.p50 * 1_000))
        benchmark.measurement(lag.microsecondsP99, Int(milliseconds.p99 * 1_000))
        pooled.add(outcome)
        report(pooled.describe(outcome))
    } setup: {
        fixture.batches = LagRun.batches(count: LagSettings.events, seed: LagSettings.seed, batchSize: LagSettings.batchSize)
    } teardown: {
        RunResults.publish(pooled.summary(), as: "catch-up-lag-summary.md")
    }
}

/// What one run appends, and how fast.
enum LagSettings {
    static let full = ProcessInfo.processInfo.environment["CARELEDGER_BENCH_FULL"] == "1"
    /// The paced rate, events/s: 20,000 unless `CARELEDGER_BENCH_LAG_RATE` says otherwise.
    static let rate = ProcessInfo.processInfo.environment["CARELEDGER_BENCH_LAG_RATE"].flatMap { Int($0) }.map { max(100, $0) } ?? 20_000
    /// Events per append (so commits per second = rate / batchSize).
    static let batchSize = 100
    /// 5 seconds of appends at the paced rate (30 in full mode).
    static let events = rate * (full ? 30 : 5)
    static let seed: UInt64 = 11
    static var name: String { "Catch-up lag: 3 reports following \(rate / 1_000) k events/s in batches of \(batchSize)" }
}

/// The lag's custom metrics.
struct LagMetrics {
    let eventsP50 = BenchmarkMetric.custom("lag p50 (events)", polarity: .prefersSmaller, useScalingFactor: false)
    let eventsP99 = BenchmarkMetric.custom("lag p99 (events)", polarity: .prefersSmaller, useScalingFactor: false)
    let microsecondsP50 = BenchmarkMetric.custom("lag p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let microsecondsP99 = BenchmarkMetric.custom("lag p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
}

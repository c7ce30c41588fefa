import Benchmark
import BenchmarkSupport
import Foundation
import Ledger
import Projections
import RawLMDB

/// The projection engine beside the physical limit of its store, measured in the same run:
/// full replays of three report-like projections against C scans of the same LMDB log, and
/// as-of queries, with a summary of the ratios and of the targets.
///
/// Run from the repository root:
///
/// ```sh
/// make bench                                                   # everything (both targets)
/// swift package --package-path Benchmarks benchmark --target ProjectionReplay --no-progress
/// CARELEDGER_BENCH_FULL=1 swift package --package-path Benchmarks benchmark --target ProjectionReplay \
///     --filter 'Replay: (raw|all|no-op).*|As-of.*|Summary.*' --no-progress      # 10 M events
/// ```
///
/// The last benchmark, "Summary: replay beside raw LMDB", prints a markdown table and writes
/// it to `Benchmarks/.results/replay-summary.md` (ignored by git).
///
/// ## The store
///
/// A generated history (``History``) of 1 M events, or 10 M with `CARELEDGER_BENCH_FULL=1`:
/// 100 k participant streams, eight event types, records of about 200 bytes, `occurredAt`
/// over three years with late arrivals. It is made once (about 13 s per million events) and
/// reused from `Benchmarks/.stores/` (see ``ReplayStore``); the first benchmark to run
/// makes it, in its setup.
///
/// ## What is measured
///
/// | benchmark | what one iteration does |
/// |---|---|
/// | `Replay: raw LMDB cursor touching every byte (C)` | the baseline: one read transaction, a cursor over the whole `log`, every byte of every record summed with 8-byte word loads |
/// | `Replay: raw LMDB cursor walk only (C)` | context: the same walk reading no record byte (the floor of any replay) |
/// | `Replay: raw LMDB cursor touching every byte, releasing pages (C)` | context: the baseline plus the ledger's unmapping of pages behind a long scan (what bounding the resident set costs) |
/// | `Replay: all 3 projections, 2 threads` | `ProjectionEngine.replayAll()` of the three projections, `Configuration.threads` 2 |
/// | `Replay: all 3 projections, 2 threads, mapping unbounded (context)` | the same with the ledger's `scanResidentBudget` out of reach: nothing unmapped, so reruns fault nothing (and the resident set grows to the store) |
/// | `Replay: all 3 projections, 1 thread` | the same on one thread |
/// | `Replay: <projection> alone` | `replayAll()` of one projection |
/// | `Replay: no-op projection (engine floor)` | context: `replayAll()` of a projection that consumes every type and only counts: the engine's own cost |
/// | `Replay: no-op projection, mapping unbounded (context)` | the same with the ledger's `scanResidentBudget` out of reach, so the scan unmaps nothing and reruns fault nothing: what bounding the resident set costs the engine |
/// | `As-of position: at snapshots (restore only)` | context: as the next, at positions that are multiples of the snapshot interval, so a query only finds and decodes a snapshot |
/// | `As-of position: random, with snapshots` | `state(of:asOf: .position(p))` of each projection at one random `p`, snapshots every 50 000 events (made by one `catchUp()` in the setup of the first as-of benchmark, then kept in the store) |
/// | `As-of position: random, no snapshots` | the same for projections that have no snapshots: each folds from position 1 |
/// | `As-of time: random` | `state(of:asOf: .time(t))` of each projection at one random time: a filtered fold of the whole log |
///
/// The C baselines open the store's `log` database read-only with `MDB_RDONLY | MDB_NOTLS`
/// and keep the environment open across iterations, as the ledger does. Every benchmark runs
/// in a process of its own, so the C ones never share a process with an open ledger.
///
/// ## Metrics
///
/// - `events/s` (custom): events replayed per second of the iteration (for as-of queries: the
///   events of the history covered, three queries over the time of the three).
/// - `wallClock`, `mallocCountTotal`, `peakMemoryResident` (sampled by the harness, the
///   peak over the run so far).
/// - As-of benchmarks: `as-of µs: <projection>`, each query's latency.
///
/// The summary also uses exact figures read in the closure: allocations per iteration (the
/// interposer's counter around the replay) and the peak resident set of each iteration
/// (`VmHWM`, reset before it).
///
/// Thresholds (for `baseline check`): 25% on the medians of `events/s`, wall clock, the
/// as-of latencies and the peak resident set; allocations within an absolute bound (replays
/// allocate a fixed few hundred times, whatever the number of events; the harness's own
/// sampler thread adds a few per 5 ms). The summary's ratios have none: each is the quotient
/// of two noisy medians.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [eventsPerSecond, .wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, maxIterations: 1_000,
        thresholds: thresholds(mallocs: Budget.mallocSlack))

    registerRawScan(RAW_LMDB_SCAN_TOUCH, key: "replay-c-touch", name: "Replay: raw LMDB cursor touching every byte (C)")
    registerRawScan(RAW_LMDB_SCAN_WALK, key: "replay-c-walk", name: "Replay: raw LMDB cursor walk only (C)")
    registerRawScan(
        RAW_LMDB_SCAN_TOUCH_RELEASING, key: "replay-c-touch-releasing",
        name: "Replay: raw LMDB cursor touching every byte, releasing pages (C)")
    registerReplay(.all, threads: 2, key: "replay-all-2-threads", name: "Replay: all 3 projections, 2 threads")
    registerReplay(
        .all, threads: 2, key: "replay-all-2-threads-unbounded", name: "Replay: all 3 projections, 2 threads, mapping unbounded (context)",
        scanResidentBudget: 1 << 50)
    registerReplay(.all, threads: 1, key: "replay-all-1-thread", name: "Replay: all 3 projections, 1 thread")
    registerReplay(.counters, threads: 1, key: "replay-kpi-counters", name: "Replay: kpi-counters alone")
    registerReplay(.stages, threads: 1, key: "replay-funnel-stages", name: "Replay: funnel-stages alone")
    registerReplay(.members, threads: 1, key: "replay-geo-distinct-members", name: "Replay: geo-distinct-members alone")
    registerReplay(.noOp, threads: 1, key: "replay-no-op", name: "Replay: no-op projection (engine floor)")
    registerReplay(
        .noOp, threads: 1, key: "replay-no-op-unbounded", name: "Replay: no-op projection, mapping unbounded (context)",
        scanResidentBudget: 1 << 50)
    registerAsOf(.positionWithSnapshots)
    registerAsOf(.positionAtSnapshots)
    registerAsOf(.positionWithoutSnapshots)
    registerAsOf(.time)
    registerReplaySummary()
}

/// Iterations and time per benchmark, by mode: a quick run of all of this target takes
/// about a minute once its store exists.
enum Budget {
    struct Limits {
        var warmup: Int
        var iterations: Int
        var duration: Duration
    }

    static var replay: Limits {
        ReplayStore.isFull ? Limits(warmup: 1, iterations: 5, duration: .seconds(60)) : Limits(warmup: 1, iterations: 10, duration: .seconds(4))
    }

    static var asOfWithSnapshots: Limits {
        ReplayStore.isFull ? Limits(warmup: 5, iterations: 200, duration: .seconds(10)) : Limits(warmup: 5, iterations: 200, duration: .seconds(3))
    }

    /// Allowed drift of allocations per iteration: a replay allocates a fixed few hundred
    /// times, and the harness's resident-memory sampler about 400 times a second, so the
    /// count moves with the iteration's duration (seconds at 10 M).
    static var mallocSlack: Int { ReplayStore.isFull ? 5_000 : 2_000 }

    /// The same for the C scans, which allocate nothing themselves.
    static var rawMallocSlack: Int { ReplayStore.isFull ? 2_000 : 500 }

    static var asOfFolding: Limits {
        ReplayStore.isFull ? Limits(warmup: 0, iterations: 4, duration: .seconds(30)) : Limits(warmup: 1, iterations: 10, duration: .seconds(4))
    }
}

/// Thresholds for `baseline check`: 25% on the medians of `events/s`, wall clock and peak
/// resident set (and of `extra` metrics); allocations within `mallocs` of the baseline's median.
func thresholds(mallocs: Int, extra: [BenchmarkMetric] = []) -> [BenchmarkMetric: BenchmarkThresholds] {
    var thresholds: [BenchmarkMetric: BenchmarkThresholds] = [
        eventsPerSecond: .init(relative: [.p50: 25]),
        .wallClock: .init(relative: [.p50: 25]),
        .peakMemoryResident: .init(relative: [.p50: 25]),
        .mallocCountTotal: .init(absolute: [.p50: mallocs]),
    ]
    for metric in extra { thresholds[metric] = .init(relative: [.p50: 25]) }
    return thresholds
}

/// The figures every replay-like iteration keeps for the summary, beside its rate.
struct IterationProbe {
    let mallocs: Int
    let cpu: Double
    let start: ContinuousClock.Instant

    init() {
        mallocs = ProcessFigures.mallocCount()
        cpu = ProcessFigures.cpuSeconds()
        start = .now
    }

    /// Records the allocations since `init`, the CPU time over the wall time (how many cores
    /// the iteration kept busy), the peak resident set since the last reset, and the peaks of
    /// its anonymous and file-backed parts (``ResidentSampler``).
    func finish(into rates: Rates, _ benchmark: Benchmark, mallocsAfter: Int, cpuAfter: Double) {
        guard rates.measures(benchmark) else { return }
        rates.record("mallocs", Double(mallocsAfter - mallocs))
        let wall = start.duration(to: .now).seconds
        if wall > 0 { rates.record("cpuPerWall", (cpuAfter - cpu) / wall) }
        rates.record("peakResident", Double(ProcessFigures.peakResidentBytes()))
        let peaks = ResidentSampler.shared.peaks()
        rates.record("peakAnonymous", Double(peaks.anonymous))
        rates.record("peakFile", Double(peaks.file))
    }

    /// Resets the peaks an iteration reports; call before it starts.
    static func resetPeaks() {
        ResidentSampler.shared.start()
        ProcessFigures.resetPeakResident()
        ResidentSampler.shared.reset()
    }

    /// Runs `body` as one measured iteration: resets the peaks, starts `benchmark`'s
    /// measurement, runs `body`, reads the allocation count and CPU time, and stops the
    /// measurement, so that every figure covers `body` and nothing after it.
    static func measure<Value>(_ benchmark: Benchmark, _ body: () throws -> Value) rethrows -> MeasuredIteration<Value> {
        resetPeaks()
        benchmark.startMeasurement()
        let probe = IterationProbe()
        let start = ContinuousClock.now
        let value = try body()
        let elapsed = start.duration(to: .now)
        let mallocs = ProcessFigures.mallocCount()
        let cpu = ProcessFigures.cpuSeconds()
        benchmark.stopMeasurement()
        return MeasuredIteration(value: value, elapsed: elapsed, probe: probe, mallocsAfter: mallocs, cpuAfter: cpu)
    }
}

/// What ``IterationProbe/measure(_:_:)`` measured: the body's result, its wall time, and the
/// figures ``finish(into:_:)`` records for the summary.
struct MeasuredIteration<Value> {
    let value: Value
    let elapsed: Duration
    let probe: IterationProbe
    let mallocsAfter: Int
    let cpuAfter: Double

    /// Records the iteration's allocations, cores busy and peaks (``IterationProbe/finish(into:_:mallocsAfter:cpuAfter:)``).
    func finish(into rates: Rates, _ benchmark: Benchmark) {
        probe.finish(into: rates, benchmark, mallocsAfter: mallocsAfter, cpuAfter: cpuAfter)
    }
}

// MARK: - C baselines

/// `Replay: raw LMDB …(C)`: one C scan of the whole log per iteration.
func registerRawScan(_ mode: raw_lmdb_scan_mode, key: String, name: String) {
    final class State { var reader: RawReader? }
    let state = State()
    let rates = Rates(key: key, name: name, eventsPerIteration: ReplayStore.events)
    let budget = Budget.replay
    Benchmark(
        name,
        configuration: .init(
            warmupIterations: budget.warmup, maxDuration: budget.duration, maxIterations: budget.iterations,
            thresholds: thresholds(mallocs: Budget.rawMallocSlack)),
        closure: { benchmark in
            guard let reader = state.reader else { throw BenchmarkFailure("reader not open") }
            let measured = try IterationProbe.measure(benchmark) { try reader.scan(mode) }
            let result = measured.value
            blackHole(result.checksum)
            guard result.records == UInt64(ReplayStore.events) else {
                throw BenchmarkFailure("\(name): scanned \(result.records) records, the store holds \(ReplayStore.events)")
            }
            rates.record(benchmark, events: Int(result.records), elapsed: measured.elapsed)
            measured.finish(into: rates, benchmark)
            rates.facts["store.valueBytes"] = Double(result.bytes)
        },
        setup: {
            let facts = try await ReplayStore.ensure()
            rates.facts["store.generationSeconds"] = facts.generationSeconds
            rates.facts["store.streams"] = Double(facts.streams)
            rates.facts["store.fileBytes"] = Double(ReplayStore.fileSize)
            state.reader = try RawReader(path: ReplayStore.path)
        },
        teardown: {
            rates.save()
            state.reader = nil
        })
}

// MARK: - Full replays

/// Which projections a replay benchmark registers.
enum Selection {
    case all, counters, stages, members, noOp
}

/// An engine over the replay store, opened in a benchmark's setup and closed in its teardown.
final class EngineFixture {
    var ledger: Ledger?
    var engine: ProjectionEngine?
    var counters: ProjectionHandle<EventCounters>?
    var stages: ProjectionHandle<StageTracker>?
    var members: ProjectionHandle<DistinctMembers>?

    /// Opens the store (generating it if needed) and an engine with `threads` and
    /// `snapshotInterval`; `scanResidentBudget` overrides the ledger's bound on the mapping.
    func open(threads: Int, snapshotInterval: UInt64 = 0, scanResidentBudget: Int? = nil) async throws -> ProjectionEngine {
        try await ReplayStore.ensure()
        let ledger = try ReplayStore.open(scanResidentBudget: scanResidentBudget)
        var configuration = ProjectionEngine.Configuration()
        configuration.threads = threads
        configuration.snapshotInterval = snapshotInterval
        configuration.logger.logLevel = .warning
        let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
        self.ledger = ledger
        self.engine = engine
        return engine
    }

    /// Registers the selected projections (catch-up mode), their names ending in `suffix`.
    func register(_ selection: Selection, suffix: String = "") async throws {
        guard let engine else { throw BenchmarkFailure("engine not open") }
        if selection == .all || selection == .counters { counters = try await engine.register(EventCounters(suffix: suffix)) }
        if selection == .all || selection == .stages { stages = try await engine.register(StageTracker(suffix: suffix)) }
        if selection == .all || selection == .members { members = try await engine.register(DistinctMembers(suffix: suffix)) }
        if selection == .noOp { _ = try await engine.register(NoOpProjection()) }
    }

    func close() {
        counters = nil
        stages = nil
        members = nil
        engine = nil
        ledger?.close()
        ledger = nil
    }
}

/// `Replay: …`: one `replayAll()` of the selected projections per iteration.
func registerReplay(_ selection: Selection, threads: Int, key: String, name: String, scanResidentBudget: Int? = nil) {
    let fixture = EngineFixture()
    let rates = Rates(key: key, name: name, eventsPerIteration: ReplayStore.events)
    let budget = Budget.replay
    Benchmark(
        name,
        configuration: .init(
            warmupIterations: budget.warmup, maxDuration: budget.duration, maxIterations: budget.iterations,
            thresholds: thresholds(mallocs: Budget.mallocSlack)),
        closure: { benchmark in
            guard let engine = fixture.engine else { throw BenchmarkFailure("engine not open") }
            let measured = try IterationProbe.measure(benchmark) { try engine.replayAll() }
            let result = measured.value
            guard result.failures.isEmpty, result.events == UInt64(ReplayStore.events) else {
                throw BenchmarkFailure("\(name): replayed \(result.events) events, failures \(result.failures)")
            }
            rates.record(benchmark, events: Int(result.events), elapsed: measured.elapsed)
            measured.finish(into: rates, benchmark)
        },
        setup: {
            _ = try await fixture.open(threads: threads, scanResidentBudget: scanResidentBudget)
            try await fixture.register(selection)
        },
        teardown: {
            rates.save()
            fixture.close()
        })
}

// MARK: - As-of queries

enum AsOfKind {
    case positionWithSnapshots, positionAtSnapshots, positionWithoutSnapshots, time

    var name: String {
        switch self {
        case .positionWithSnapshots: "As-of position: random, with snapshots"
        case .positionAtSnapshots: "As-of position: at snapshots (restore only)"
        case .positionWithoutSnapshots: "As-of position: random, no snapshots"
        case .time: "As-of time: random"
        }
    }

    var key: String {
        switch self {
        case .positionWithSnapshots: "asof-position-snapshots"
        case .positionAtSnapshots: "asof-position-at-snapshots"
        case .positionWithoutSnapshots: "asof-position-no-snapshots"
        case .time: "asof-time"
        }
    }

    var usesSnapshots: Bool { self == .positionWithSnapshots || self == .positionAtSnapshots }
}

/// Snapshots every this many events for the as-of benchmark that uses them.
let asOfSnapshotInterval: UInt64 = 50_000

/// The projections' names, in the order the as-of benchmarks query them.
let projectionNames = ["kpi-counters", "funnel-stages", "geo-distinct-members"]

/// The latency metric of as-of queries of projection `name`.
func asOfMetric(_ name: String) -> BenchmarkMetric {
    .custom("as-of µs: \(name)", polarity: .prefersSmaller, useScalingFactor: false)
}

/// `As-of …`: per iteration, one as-of query of each projection at the same random point.
func registerAsOf(_ kind: AsOfKind) {
    final class State { var points: [ReplayPoint] = [] }
    let fixture = EngineFixture()
    let state = State()
    let rates = Rates(key: kind.key, name: kind.name, eventsPerIteration: ReplayStore.events)
    let budget = kind.usesSnapshots ? Budget.asOfWithSnapshots : Budget.asOfFolding
    let latencies = projectionNames.map(asOfMetric)
    Benchmark(
        kind.name,
        configuration: .init(
            metrics: Benchmark.defaultConfiguration.metrics + latencies,
            warmupIterations: budget.warmup, maxDuration: budget.duration, maxIterations: budget.iterations,
            thresholds: thresholds(mallocs: kind.usesSnapshots ? 500 : Budget.mallocSlack, extra: latencies)),
        closure: { benchmark in
            guard let engine = fixture.engine, let counters = fixture.counters, let stages = fixture.stages,
                  let members = fixture.members
            else { throw BenchmarkFailure("engine not open") }
            let point = state.points[benchmark.currentIteration % state.points.count]
            let clock = ContinuousClock()
            let measured = try IterationProbe.measure(benchmark) {
                let t0 = clock.now
                let a = try engine.state(of: counters, asOf: point)
                let t1 = clock.now
                let b = try engine.state(of: stages, asOf: point)
                let t2 = clock.now
                let c = try engine.state(of: members, asOf: point)
                let t3 = clock.now
                // The states are returned, so that freeing them falls outside the measurement.
                return (states: (a, b, c), latencies: [t0.duration(to: t1), t1.duration(to: t2), t2.duration(to: t3)])
            }
            withExtendedLifetime(measured.value.states) {}
            let covered = if case .position(let position) = point { Int(position) } else { ReplayStore.events }
            rates.record(benchmark, events: 3 * covered, elapsed: measured.elapsed)
            measured.finish(into: rates, benchmark)
            for (index, elapsed) in measured.value.latencies.enumerated() {
                benchmark.measurement(latencies[index], Int((elapsed.seconds * 1e6).rounded()))
                if rates.measures(benchmark) { rates.record(projectionNames[index], elapsed.seconds * 1e3) }
            }
        },
        setup: {
            let engine = try await fixture.open(threads: 2, snapshotInterval: asOfSnapshotInterval)
            guard let ledger = fixture.ledger else { throw BenchmarkFailure("ledger not open") }
            let head = try ledger.head
            var random = SplitMix64(seed: 7)
            switch kind {
            case .positionWithSnapshots, .positionAtSnapshots:
                try await fixture.register(.all)
                let clock = ContinuousClock()
                let start = clock.now
                try await engine.catchUp()
                rates.facts["catchUpSeconds"] = start.duration(to: clock.now).seconds
                if kind == .positionWithSnapshots {
                    try await checkAgainstFreshFolds(fixture, head: head, random: &random, rates: rates)
                }
            case .positionWithoutSnapshots, .time:
                try await fixture.register(.all, suffix: "-no-snapshots")
            }
            let snapshots = Int(head / asOfSnapshotInterval)
            state.points = (0 ..< 4_096).map { _ in
                switch kind {
                case .time: .time(Timestamp(rawValue: History.start.rawValue + Int64(random.unit() * Double(History.span))))
                case .positionAtSnapshots: .position(UInt64(1 + random.below(snapshots)) * asOfSnapshotInterval)
                case .positionWithSnapshots, .positionWithoutSnapshots: .position(1 + UInt64(random.below(Int(head))))
                }
            }
        },
        teardown: {
            rates.save()
            fixture.close()
        })
}

/// Checks the engine before timing it: at the head the counters count every event, and at a
/// random position each projection restored from a snapshot equals the same projection
/// folded from position 1 (registered under another name, so it has no snapshots). Records
/// what the reports say at the head, for the summary.
private func checkAgainstFreshFolds(_ fixture: EngineFixture, head: UInt64, random: inout SplitMix64, rates: Rates) async throws {
    guard let engine = fixture.engine, let counters = fixture.counters, let stages = fixture.stages,
          let members = fixture.members
    else { throw BenchmarkFailure("engine not open") }
    let atHead = try engine.state(of: counters, asOf: .position(head))
    guard atHead.total == head else {
        throw BenchmarkFailure("kpi-counters as of the head counts \(atHead.total) events, the log holds \(head)")
    }
    let funnel = StageTracker.summary(try engine.state(of: stages, asOf: .position(head)))
    let geography = DistinctMembers.summary(try engine.state(of: members, asOf: .position(head)))
    rates.facts["head.participants"] = Double(funnel.perStage.reduce(0, +))
    rates.facts["head.medianStage"] = Double(funnel.median)
    rates.facts["head.regions"] = Double(geography.regions)
    rates.facts["head.members"] = Double(geography.members)
    rates.facts["head.pairs"] = Double(geography.pairs)

    let freshCounters = try await engine.register(EventCounters(suffix: "-check"))
    let freshStages = try await engine.register(StageTracker(suffix: "-check"))
    let freshMembers = try await engine.register(DistinctMembers(suffix: "-check"))
    // Rarely a multiple of the snapshot interval, so the snapshot path folds some events too.
    let position = UInt64(random.below(Int(head))) + 1
    let point = ReplayPoint.position(position)
    guard try engine.state(of: counters, asOf: point) == engine.state(of: freshCounters, asOf: point),
          try engine.state(of: stages, asOf: point) == engine.state(of: freshStages, asOf: point),
          try DistinctMembers.summary(engine.state(of: members, asOf: point))
            == DistinctMembers.summary(engine.state(of: freshMembers, asOf: point))
    else {
        throw BenchmarkFailure("as of position \(position), a projection restored from a snapshot differs from one folded from position 1")
    }
}

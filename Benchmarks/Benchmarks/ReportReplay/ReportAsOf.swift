import Benchmark
import BenchmarkSupport
import CareLedger

/// `Reports: <report> as of a random position, with snapshots`: one as-of query of one
/// built-in report per iteration, at a position drawn from a fixed sequence, on a copy of the
/// report store whose engine has caught up once and so holds the reports' snapshots (every
/// `ProjectionEngine.Configuration.snapshotInterval` events, 100,000 by default). The query
/// restores the nearest snapshot at or before the position and folds the events after it.
///
/// The copy (``ReportStore/snapshotsPath``, page for page) is made and caught up once and
/// reused by later runs; a catch-up resumes from its checkpoints. No baseline: the latency is
/// the figure (the target: under 10 ms at 10 M events).
func registerAsOf(_ report: ReportReplay.Report, name: String) {
    final class Fixture: @unchecked Sendable {
        var store: CareStore?
        /// A fixed sequence of positions, the same in every run (the generator's SplitMix64).
        var random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        func nextPosition() -> UInt64 { 1 + random.next() % UInt64(ReportStore.events) }
    }
    let fixture = Fixture()
    Benchmark(
        "Reports: \(name) as of a random position, with snapshots",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident], timeUnits: .microseconds, warmupIterations: 2,
            maxDuration: .seconds(20), maxIterations: 60, thresholds: [.wallClock: .init(relative: [.p50: 25])])
    ) { benchmark in
        guard let store = fixture.store else { throw BenchmarkFailure("store not open") }
        let point = AsOf.position(fixture.nextPosition())
        benchmark.startMeasurement()
        switch report {
        case .kpi: blackHole(try await store.kpi(asOf: point))
        case .funnel: blackHole(try await store.funnel(asOf: point))
        case .geography: blackHole(try await store.geography(asOf: point))
        }
        benchmark.stopMeasurement()
    } setup: {
        try await ReportStore.ensureCopy(at: ReportStore.snapshotsPath, compacting: false)
        let store = try await CareStore(path: ReportStore.snapshotsPath, configuration: ReportStore.configuration())
        try await store.engine.catchUp()
        fixture.store = store
    } teardown: {
        await fixture.store?.close()
        fixture.store = nil
    }
}

import CareLedger
import Foundation
import Ledger
import Projections
import Testing

/// An opt-in measurement, not a test of speed (it asserts only that the replays are whole): the
/// three reports replayed from position 1 beside a plain scan of the same log, alternately in
/// one run, reported as events per second and their ratio. Run in release mode:
///
/// ```sh
/// CARELEDGER_MEASURE_REPLAY=1000000 swift test -c release -Xswiftc -enable-testing \
///     --filter ReportReplayMeasurement
/// ```
@Suite("Report replay measurement")
struct ReportReplayMeasurement {
    static let events = Int(ProcessInfo.processInfo.environment["CARELEDGER_MEASURE_REPLAY"] ?? "") ?? 0

    @Test(.enabled(if: events > 0))
    func replayTheReportsBesideAScan() async throws {
        try await withTemporaryLedger { ledger in
            let start = ContinuousClock.now
            try await appendInOrder(CareHistory(seed: 42, count: Self.events), to: ledger)
            let loaded = start.duration(to: .now)
            var configuration = ProjectionEngine.Configuration()
            configuration.threads = 1
            let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
            _ = try await CareReports(ledger: ledger, engine: engine)
            var scans: [Double] = []
            var replays: [Double] = []
            for _ in 0 ..< 5 {
                var checksum: UInt64 = 0
                let scan = try ContinuousClock().measure {
                    try ledger.forEachRecord { record in
                        checksum &+= record.typeTag.rawValue &+ UInt64(record.payload.count)
                        return true
                    }
                }
                #expect(checksum != 0)
                scans.append(Double(Self.events) / scan.seconds)
                let result = try engine.replayAll()
                #expect(result.failures.isEmpty)
                #expect(result.events == UInt64(Self.events))
                replays.append(result.eventsPerSecond)
            }
            let scan = scans.sorted()[2]
            let replay = replays.sorted()[2]
            print("""
                report replay measurement: \(Self.events) events (loaded in \(loaded))
                  scan of the log (type tag + payload length per record): \(Int(scan)) events/s (median of 5)
                  replayAll of kpi + funnel + geography, 1 thread:          \(Int(replay)) events/s (median of 5)
                  ratio replay / scan: \(String(format: "%.2f", replay / scan))
                """)
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

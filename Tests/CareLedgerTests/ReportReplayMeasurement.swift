import CareLedger
import Foundation
import Ledger
import Projections
import Testing

/// An opt-in measurement, not a test of speed (it asserts only that the replays are whole): the
/// reports replayed from position 1 — all three on 1 and 2 threads, and each alone — beside a
/// scan touching every byte of the same log, alternately in one run, reported as events per
/// second and their ratio to the scan. Run in release mode:
///
/// ```sh
/// CARELEDGER_MEASURE_REPLAY=1000000 swift test -c release -Xswiftc -enable-testing \
///     --filter ReportReplayMeasurement
/// ```
///
/// With `CARELEDGER_MEASURE_STORE=DIR` the generated log is kept in `DIR` and reused by later
/// runs of the same size (the ledger alone, without the rules' table).
@Suite("Report replay measurement")
struct ReportReplayMeasurement {
    static let environment = ProcessInfo.processInfo.environment
    static let events = Int(environment["CARELEDGER_MEASURE_REPLAY"] ?? "") ?? 0

    @Test(.enabled(if: events > 0))
    func replayTheReportsBesideAScan() async throws {
        if let directory = Self.environment["CARELEDGER_MEASURE_STORE"] {
            var configuration = Ledger.Configuration()
            configuration.durability = .deferred
            let ledger = try Ledger(path: directory, configuration: configuration)
            defer { ledger.close() }
            if try ledger.head == 0 { try await appendInOrder(CareHistory(seed: 42, count: Self.events), to: ledger) }
            try await measure(ledger)
        } else {
            try await withTemporaryLedger { ledger in
                try await appendInOrder(CareHistory(seed: 42, count: Self.events), to: ledger)
                try await measure(ledger)
            }
        }
    }

    /// One engine per configuration, then rounds of: the scan, then each replay.
    private func measure(_ ledger: Ledger) async throws {
        let head = try ledger.head
        #expect(head == UInt64(Self.events))
        var engines: [(String, ProjectionEngine)] = []
        for (name, threads, which) in [("all 3, 1 thread", 1, 0), ("all 3, 2 threads", 2, 0), ("kpi alone", 1, 1), ("funnel alone", 1, 2), ("geography alone", 1, 3)] {
            var configuration = ProjectionEngine.Configuration()
            configuration.threads = threads
            let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration)
            switch which {
            case 0: _ = try await CareReports(ledger: ledger, engine: engine)
            case 1: _ = try await engine.register(KPIProjection())
            case 2: _ = try await engine.register(FunnelProjection())
            default: _ = try await engine.register(GeographyProjection())
            }
            engines.append((name, engine))
        }
        var scans: [Double] = []
        var replays = Array(repeating: [Double](), count: engines.count)
        var ratios = Array(repeating: [Double](), count: engines.count)
        // CPU time of the process beside wall time: on a machine shared with other work, the
        // ratio of CPU times is the steadier figure (for one thread; two threads add up).
        var cpuRatios = Array(repeating: [Double](), count: engines.count)
        func cpuSeconds() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        }
        for _ in 0 ..< 3 {
            var checksum: UInt64 = 0
            let start = ContinuousClock.now
            let cpuStart = cpuSeconds()
            _ = try ledger.read { scope in
                try scope.forEachRecord { record in
                    for byte in record.bytes { checksum &+= UInt64(byte) }
                    return true
                }
            }
            let scan = start.duration(to: .now)
            let scanCPU = cpuSeconds() - cpuStart
            #expect(checksum != 0)
            let scanRate = Double(head) / scan.seconds
            scans.append(scanRate)
            for (index, (_, engine)) in engines.enumerated() {
                let cpu = cpuSeconds()
                let result = try engine.replayAll()
                cpuRatios[index].append(scanCPU / (cpuSeconds() - cpu))
                #expect(result.failures.isEmpty)
                #expect(result.events == head)
                replays[index].append(result.eventsPerSecond)
                ratios[index].append(result.eventsPerSecond / scanRate)
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        var lines = ["report replay measurement: \(head) events, median of 3 rounds (ratios per round)",
                     "  byte-touch scan of the log: \(Int(median(scans))) events/s"]
        for (index, (name, _)) in engines.enumerated() {
            let each = ratios[index].map { String(format: "%.3f", $0) }.joined(separator: " ")
            lines.append("  \(name): \(Int(median(replays[index]))) events/s, ratio \(String(format: "%.3f", median(ratios[index]))) [\(each)], CPU-time ratio \(String(format: "%.3f", median(cpuRatios[index])))")
        }
        print(lines.joined(separator: "\n"))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

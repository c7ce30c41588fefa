import ArgumentParser
import CareLedger
import Ledger
import Projections

/// `careledger replay`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild every built-in report from position 1 in memory, ignoring stored read models, and print the speed.",
        discussion: "With --baseline, also time a loop that reads every byte of every record of the same store, and print the replay as a ratio of it: the benchmark harness's headline figure."
    )

    @OptionGroup var options: StoreOptions

    @Flag(help: "Also time a scan touching every byte of the store, and print the ratio.")
    var baseline = false

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let store = try await options.openStore()
        let result: ReplayResult
        var scan: (events: UInt64, seconds: Double, bytes: UInt64)?
        do {
            if baseline { scan = try Self.touchEveryByte(store.ledger) }
            result = try store.engine.replayAll()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        let seconds = result.duration.seconds
        var figures: [(name: String, value: JSONValue, text: String)] = [
            ("events", .integer(Int64(result.events)), String(result.events)),
            ("seconds", JSONNumber(seconds).map(JSONValue.number) ?? .null, Formatting.fixed(seconds, digits: 3)),
            ("eventsPerSecond", .integer(Int64(result.eventsPerSecond)), Formatting.rate(result.eventsPerSecond)),
            ("failures", .integer(Int64(result.failures.count)), String(result.failures.count)),
        ]
        if let scan, scan.seconds > 0 {
            let rate = Double(scan.events) / scan.seconds
            figures.append(("scanEventsPerSecond", .integer(Int64(rate)), Formatting.rate(rate)))
            figures.append(("scanBytesPerSecond", .integer(Int64(Double(scan.bytes) / scan.seconds)), Formatting.rate(Double(scan.bytes) / scan.seconds) + "B"))
            let ratio = result.eventsPerSecond / rate
            figures.append(("ratioToScan", JSONNumber(ratio).map(JSONValue.number) ?? .null, Formatting.fixed(ratio * 100, digits: 0) + "%"))
        }
        StandardStreams.out(ReportRendering.figures(figures, format: format))
        for failure in result.failures { StandardStreams.error("careledger: \(failure)\n") }
    }

    /// Reads every byte of every record once (a sum, so the loads cannot be skipped).
    static func touchEveryByte(_ ledger: Ledger) throws -> (events: UInt64, seconds: Double, bytes: UInt64) {
        let clock = ContinuousClock()
        let start = clock.now
        var sum: UInt64 = 0, bytes: UInt64 = 0
        let events = try ledger.read { scope in
            try scope.forEachRecord { record in
                for byte in record.bytes { sum &+= UInt64(byte) }
                bytes &+= UInt64(record.bytes.count)
                return true
            }
        }
        let seconds = (clock.now - start).seconds
        if sum == 1 { StandardStreams.error("") } // keeps `sum` alive
        return (events, seconds, bytes)
    }
}

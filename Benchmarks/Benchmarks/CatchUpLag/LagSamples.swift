import BenchmarkSupport
import Foundation

/// The samples of every measured iteration of the lag benchmark, pooled for its summary.
final class LagSamples {
    private var lagEvents: [Double] = []
    private var lagMilliseconds: [Double] = []
    private var sustained: [Double] = []
    private var drains: [Double] = []
    private var commits = 0
    private var foldedBeforeAcknowledged = 0
    private var lateAppends = 0

    func add(_ outcome: LagRun.Outcome) {
        lagEvents += outcome.lagEvents
        lagMilliseconds += outcome.lagMilliseconds
        sustained.append(Double(outcome.events) / outcome.appendSeconds)
        drains.append(outcome.drainMilliseconds)
        commits += outcome.commits
        foldedBeforeAcknowledged += outcome.foldedBeforeAcknowledged
        lateAppends += outcome.lateAppends
    }

    /// One iteration in a line.
    func describe(_ outcome: LagRun.Outcome) -> String {
        let events = Percentiles(outcome.lagEvents)
        let milliseconds = Percentiles(outcome.lagMilliseconds)
        return "  \(outcome.events) events in \(outcome.commits) commits at \(Int(Double(outcome.events) / outcome.appendSeconds)) events/s: "
            + "lag p50/p99/max \(Int(events.p50))/\(Int(events.p99))/\(Int(events.max)) events, "
            + "\(format(milliseconds.p50))/\(format(milliseconds.p99))/\(format(milliseconds.max)) ms"
    }

    /// The markdown summary of all measured iterations.
    func summary() -> String {
        let events = Percentiles(lagEvents)
        let milliseconds = Percentiles(lagMilliseconds)
        let rates = Percentiles(sustained)
        return """
            Catch-up lag of the three reports (the engine's runner) behind an appender paced at \
            \(LagSettings.rate) events/s in batches of \(LagSettings.batchSize) (`.deferred` commits), \
            \(sustained.count) run(s) of \(LagSettings.events) generated CareWare events into a new store:

            | figure | p50 | p99 | max |
            |---|---:|---:|---:|
            | lag, events (head − `catchUpPosition`, before each append) | \(Int(events.p50)) | \(Int(events.p99)) | \(Int(events.max)) |
            | lag, ms (commit acknowledged → reports reached it) | \(format(milliseconds.p50)) | \(format(milliseconds.p99)) | \(format(milliseconds.max)) |

            Sustained append rate: \(Int(rates.p50)) events/s (median of the runs; paced at \(LagSettings.rate)) = \
            \(String(format: "%.0f%%", 100 * rates.p50 / Double(LagSettings.rate))) of the paced rate; \
            \(lateAppends) of \(commits) appends started more than one interval late. \
            \(foldedBeforeAcknowledged) of \(commits) commits were folded before the append returned (lag 0 ms). \
            From the last commit to the reports reaching the head: \(format(Percentiles(drains).max)) ms at most.
            """
    }

    private func format(_ milliseconds: Double) -> String {
        milliseconds < 10 ? String(format: "%.2f", milliseconds) : String(format: "%.0f", milliseconds)
    }
}

import BenchmarkSupport
import CareLedger
import Foundation
import Ledger
import Projections

/// One run of the catch-up lag benchmark: a new CareWare store whose engine's runner follows
/// the log (`ProjectionEngine.start()`, the three reports registered by `CareStore`), while an
/// appender appends generated events in batches at a paced rate.
///
/// - **Lag in events**, sampled just before each append (instants spaced evenly at the paced
///   rate): the ledger's head minus `ProjectionEngine.catchUpPosition`, the position through
///   which all three reports have folded.
/// - **Lag in milliseconds**, per committed append: from the moment the append returned to the
///   appender (the commit acknowledged) to the moment a task following
///   `ProjectionEngine.catchUpProgress()` saw the reports reach the append's last position.
///   Where the runner had already folded the batch before the appender resumed, the lag is 0
///   (counted as ``Outcome/foldedBeforeAcknowledged``).
/// - **Sustained rate**: events appended divided by the time from the first append to the
///   last acknowledgement (below the paced rate when the appender cannot keep up).
struct LagRun {
    /// Paced rate, events per second.
    let rate: Int
    let batches: [[CareEvent]]

    struct Outcome {
        var events = 0
        var commits = 0
        var appendSeconds = 0.0
        var lagEvents: [Double] = []
        var lagMilliseconds: [Double] = []
        var foldedBeforeAcknowledged = 0
        /// From the last acknowledgement to the reports reaching the head.
        var drainMilliseconds = 0.0
        /// Appends that started later than their due time by more than a batch's interval.
        var lateAppends = 0
    }

    /// Runs it in a new store in directory `path` (which it leaves for the caller to remove).
    func run(in path: String) async throws -> Outcome {
        let store = try await CareStore(path: path, configuration: LagRun.configuration())
        do {
            let outcome = try await run(on: store)
            await store.close()
            return outcome
        } catch {
            await store.close()
            throw error
        }
    }

    /// The store's configuration: commits under `Durability.deferred` (no flush per commit, so
    /// the figures measure the runner, not the disk), the engine's defaults otherwise.
    static func configuration() -> CareStore.Configuration {
        var configuration = CareStore.Configuration()
        configuration.ledger.durability = .deferred
        configuration.engine.logger.logLevel = .warning
        return configuration
    }

    private func run(on store: CareStore) async throws -> Outcome {
        let engine = store.engine
        let total = UInt64(batches.reduce(0) { $0 + $1.count })
        let progress = engine.catchUpProgress()
        let expected = batches.count + 16
        engine.start()
        let follower = Task { () -> [(reached: UInt64, at: ContinuousClock.Instant)] in
            var seen: [(reached: UInt64, at: ContinuousClock.Instant)] = []
            seen.reserveCapacity(expected)
            for await reached in progress {
                seen.append((reached, ContinuousClock.now))
                if reached >= total { break }
            }
            return seen
        }
        var outcome = Outcome()
        outcome.lagEvents.reserveCapacity(batches.count)
        var commits: [(end: UInt64, at: ContinuousClock.Instant)] = []
        commits.reserveCapacity(batches.count)
        let interval = Duration.seconds(Double(batches.first?.count ?? 0) / Double(rate))
        let start = ContinuousClock.now
        var due = start
        for batch in batches {
            let now = ContinuousClock.now
            if due > now {
                try await Task.sleep(until: due, clock: .continuous)
            } else if now - due > interval {
                outcome.lateAppends += 1
            }
            let head = try store.ledger.head
            let folded = engine.catchUpPosition
            outcome.lagEvents.append(Double(head > folded ? head - folded : 0))
            let positions = try await store.append(batch)
            commits.append((positions.max() ?? head, ContinuousClock.now))
            due += interval
        }
        let appended = ContinuousClock.now
        outcome.events = Int(total)
        outcome.commits = commits.count
        outcome.appendSeconds = (appended - start).seconds

        // A runner that stopped would leave the follower waiting: give it a minute.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            follower.cancel()
        }
        let seen = await follower.value
        watchdog.cancel()
        guard let last = seen.last, last.reached >= total else {
            throw BenchmarkFailure("the reports did not reach the head \(total) within a minute (reached \(seen.last?.reached ?? 0))")
        }
        outcome.drainMilliseconds = Swift.max(0, (last.at - appended).seconds * 1_000)

        // The first time the reports were seen at or past each commit's last position.
        var index = 0
        for commit in commits {
            while seen[index].reached < commit.end { index += 1 }
            let milliseconds = (seen[index].at - commit.at).seconds * 1_000
            if milliseconds <= 0 { outcome.foldedBeforeAcknowledged += 1 }
            outcome.lagMilliseconds.append(Swift.max(0, milliseconds))
        }
        return outcome
    }
}

extension LagRun {
    /// The history the appender appends: ``CareHistory`` of `count` events (seed `seed`), in
    /// batches of `batchSize` in history order, generated before the run.
    static func batches(count: Int, seed: UInt64, batchSize: Int) -> [[CareEvent]] {
        var batches: [[CareEvent]] = []
        var batch: [CareEvent] = []
        batch.reserveCapacity(batchSize)
        for event in CareHistory(seed: seed, count: count) {
            batch.append(event)
            if batch.count == batchSize {
                batches.append(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { batches.append(batch) }
        return batches
    }
}

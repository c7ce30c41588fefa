/// The log's events from a position, read lazily in chunks: what ``Ledger/events(from:)``
/// (ends at the head) and ``Ledger/subscribe(from:)`` (follows new commits) return.
///
/// Each chunk is read in its own short read-only snapshot and copied out, so iterating never
/// holds a transaction across an `await`, and memory stays bounded by the chunk size whatever
/// the length of the log.
public struct LogEvents: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let ledger: Ledger
    let start: UInt64
    let follows: Bool
    /// How many records one snapshot reads.
    static let chunkSize = 256

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(ledger: ledger, next: Swift.max(start, 1), follows: follows)
    }

    /// Iterates the events in log order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let ledger: Ledger
        var next: UInt64
        let follows: Bool
        var buffer: [RecordedEvent] = []
        var index = 0
        var ended = false

        /// The next event; for a subscription, waits for the next commit when caught up.
        ///
        /// - Returns: `nil` at the head (for ``Ledger/events(from:)``), or when the ledger is
        ///   closed or the task cancelled (for ``Ledger/subscribe(from:)``).
        /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` or ``LedgerError/storage(_:)``.
        public mutating func next() async throws -> RecordedEvent? {
            while !ended {
                // A cancelled subscription ends at once, even with events read ahead.
                if follows && Task.isCancelled { break }
                if index < buffer.count {
                    defer { index += 1 }
                    return buffer[index]
                }
                buffer = try ledger.readEvents(from: next, limit: LogEvents.chunkSize)
                index = 0
                if let last = buffer.last {
                    next = last.position + 1
                    continue
                }
                guard follows, await ledger.signal.waitForHead(beyond: next - 1) else { break }
            }
            ended = true
            return nil
        }
    }
}

extension Ledger {
    /// The events from `position` to the head as it is when iteration reaches it, in log order.
    ///
    /// ```swift
    /// for try await event in ledger.events(from: 1) { export(event) }
    /// ```
    ///
    /// Cost: one read snapshot per 256 events; each event is copied out (allocates).
    public func events(from position: UInt64 = 1) -> LogEvents {
        LogEvents(ledger: self, start: position, follows: false)
    }

    /// The events from `position` on, in log order, without end: once caught up with the log
    /// it waits for the next commit of this process's ledger (it is woken, not polling).
    ///
    /// Every event is delivered exactly once, in order, across the boundary between catching
    /// up and following. The sequence ends when the task is cancelled or the ledger closed.
    /// It is woken only by this process's commits: commits by *another process* sharing the
    /// store are delivered, in order, when this process next commits.
    public func subscribe(from position: UInt64) -> LogEvents {
        LogEvents(ledger: self, start: position, follows: true)
    }

    /// Up to `limit` events from `position`, copied out of one snapshot.
    func readEvents(from position: UInt64, limit: Int) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try forEachRecord(from: position) { record in
            do {
                events.append(try RecordedEvent(record))
            } catch {
                throw LedgerError.corruptRecord(position: record.position, reason: "\(error)")
            }
            return events.count < limit
        }
        return events
    }
}

public import Ledger

/// A deterministic, realistic CareWare history of any length, generated lazily: iterating it
/// makes one ``CareEvent`` at a time, so a history of millions of events never sits in memory
/// (only its entities' ids and a few facts per entity do).
///
/// ```swift
/// for event in CareHistory(seed: 7, count: 5_000) {
///     try await ledger.append([event.newEvent], to: event.stream)
/// }
/// ```
///
/// The history has organisations of every kind in DK, SE and NO, persons of every role,
/// challenges that move forwards through the stages with skips and drops, courses of every
/// kind with participants and companies, solutions presented with feedback, partnerships,
/// an `actor` in every event's metadata, ids `ev-000001`, `ev-000002`, …, and some events
/// that arrive late (their `at` earlier than events before them).
///
/// Every event obeys the rules of the domain given the events before it, so a generated
/// history imports cleanly. And every event's `at` is at or after the `at` of each event it
/// depends on (the organisation a person joins, the challenge a stage advances, …), so the
/// events as of any time are a valid history themselves. The same seed and count give the same
/// history, event for event.
public struct CareHistory: Sequence, Sendable {
    /// The seed of the pseudo-random choices.
    public var seed: UInt64
    /// The number of events.
    public var count: Int
    /// The time of the first event; the history spans about two years from it.
    public var start: Timestamp

    /// 2024-01-01T00:00:00Z, the default start.
    public static let defaultStart = Timestamp(secondsSinceEpoch: 1_704_067_200)

    /// A history of `count` events from `seed`, starting at `start` (a whole second).
    public init(seed: UInt64, count: Int, start: Timestamp = CareHistory.defaultStart) {
        precondition(count >= 0, "a history has a non-negative number of events")
        self.seed = seed
        self.count = count
        self.start = start
    }

    /// A fresh iterator from the first event.
    public func makeIterator() -> Iterator { Iterator(self) }

    /// The number of events: `count`.
    public var underestimatedCount: Int { count }

    /// Makes the events of a ``CareHistory`` one by one.
    public struct Iterator: IteratorProtocol, Sendable {
        private var world: HistoryWorld
        private var made = 0
        private let count: Int

        init(_ history: CareHistory) {
            count = history.count
            world = HistoryWorld(seed: history.seed, start: history.start.rawValue, count: history.count)
        }

        /// The next event, or `nil` after `count` events.
        public mutating func next() -> CareEvent? {
            guard made < count else { return nil }
            made += 1
            return world.makeEvent(number: made)
        }
    }
}

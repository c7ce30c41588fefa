public import Ledger

/// A read model computed by folding events of the log, in log order, into a state.
///
/// A projection names the event types it consumes; the engine checks each record's type tag
/// in its header and calls ``apply(_:to:)`` only for those, so a projection decodes nothing
/// it does not use. State must be a value that can be written to bytes and read back, so the
/// engine can checkpoint it, snapshot it and restore it.
///
/// ```swift
/// struct EventsPerType: Projection {
///     static let opened = EventTypeTag("Opened")   // computed once, not per event
///     var name: String { "events-per-type" }
///     var version: UInt32 { 1 }
///     var eventTypes: [String] { ["Opened", "Closed"] }
///     func initialState() -> [UInt64] { [0, 0] }
///     func apply(_ event: RecordView, to state: inout [UInt64]) throws {
///         state[event.typeTag == Self.opened ? 0 : 1] += 1
///     }
///     …
/// }
/// ```
///
/// Folding must be deterministic: the same events in the same order give the same state,
/// whether folded live, rebuilt, or replayed as of a past point.
public protocol Projection: Sendable {
    /// The state the projection folds events into.
    associatedtype State: Sendable

    /// A unique name: it keys the projection's checkpoint and snapshots in the store.
    var name: String { get }
    /// The version of the fold; changing it makes the engine rebuild the projection from
    /// position 1 when it next starts.
    var version: UInt32 { get }
    /// The event types the projection consumes.
    var eventTypes: [String] { get }

    /// The state before any event.
    func initialState() -> State
    /// Folds `event` (one of ``eventTypes``) into `state`.
    ///
    /// Throwing stops this projection at this event: the engine records the failure (with
    /// the position and type), puts the projection back to its state before the event (what
    /// `apply` changed before throwing is discarded), and goes on with the other projections.
    func apply(_ event: RecordView, to state: inout State) throws
    /// Hints at the memory ``apply(_:to:)`` will read for `event`, without changing anything.
    ///
    /// The engine reads the log in groups of up to 16 records and, before applying any
    /// record of a group, calls this for each of them (those of ``eventTypes``). A projection
    /// that looks keys up in tables larger than the processor's cache can compute where each
    /// key lives and ask for it (``MemoryHint/prefetch(_:)``): the cache misses of a group's
    /// look-ups then overlap instead of following one another. Optional; the default does
    /// nothing. It may see records that `apply` later refuses, and a state that earlier
    /// records of the group will change: it is a hint, never a result.
    ///
    /// `state` is passed `inout` only so that the engine hands it over without a copy: a
    /// prefetch must leave it as it is.
    ///
    /// Cost: must stay small beside `apply` — read the key, hash it, prefetch; no allocation.
    func prefetch(_ event: RecordView, in state: inout State)
    /// Writes `state` as bytes.
    func encode(_ state: State, to writer: inout ByteWriter)
    /// Reads a state written by ``encode(_:to:)`` of the same ``version``.
    func decode(from reader: inout ByteReader) throws -> State
    /// Events between two snapshots of this projection's state, or `nil` (the default) for
    /// the engine's ``ProjectionEngine/Configuration/snapshotInterval``.
    ///
    /// An as-of query by position decodes the nearest snapshot and folds the events after
    /// it, so it costs about one decode and half an interval of events; the snapshots take
    /// one encoded state per interval in the store. A projection with a small state can
    /// afford a short interval; one with a large state a longer one. Changing it takes
    /// effect for snapshots written from then on (existing ones stay usable).
    var snapshotInterval: UInt64? { get }
}

extension Projection {
    /// The engine's ``ProjectionEngine/Configuration/snapshotInterval``.
    public var snapshotInterval: UInt64? { nil }

    /// Does nothing: no hint.
    public func prefetch(_ event: RecordView, in state: inout State) {}
}

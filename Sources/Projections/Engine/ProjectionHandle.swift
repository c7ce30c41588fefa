public import Ledger

/// A projection registered with a ``ProjectionEngine``: what you pass back to read its state.
public struct ProjectionHandle<P: Projection>: Sendable {
    /// The projection.
    public let projection: P
    let slot: Slot<P>
    /// How the engine keeps it current.
    public let mode: ProjectionStatus.Mode
}

/// A point in the log's history to replay a projection to.
public enum ReplayPoint: Sendable, Hashable {
    /// The first `n` events of the log (positions 1…n).
    case position(UInt64)
    /// The events, in log order, whose `occurredAt` is at or before the time.
    case time(Timestamp)
}



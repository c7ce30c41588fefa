public import Ledger
public import Projections

/// The point in the log's history a report is computed as of.
///
/// ```swift
/// let today = try await store.kpi()                                   // .now
/// let then = try await store.kpi(asOf: .time(try Timestamp(rfc3339: "2025-01-01T00:00:00Z")))
/// let early = try await store.funnel(asOf: .position(1_000))
/// ```
public enum AsOf: Sendable, Hashable {
    /// Every event stored: the live read model, caught up to the head.
    case now
    /// The first `n` events of the log (positions 1…n).
    case position(UInt64)
    /// The events, in log order, whose `at` is at or before the time — late arrivals included.
    case time(Timestamp)

    /// The engine's replay point, or `nil` for ``now``.
    public var replayPoint: ReplayPoint? {
        switch self {
        case .now: nil
        case .position(let position): .position(position)
        case .time(let time): .time(time)
        }
    }

    /// Whether a record at `position` that happened at `occurredAt` is folded as of this point.
    public func includes(position: UInt64, occurredAt: Timestamp) -> Bool {
        switch self {
        case .now: true
        case .position(let last): position <= last
        case .time(let time): occurredAt <= time
        }
    }

    /// The point as a JSON object: `{"position": n}`, `{"time": "<RFC 3339>"}` or
    /// `{"now": true}` — the `asOf` member of a KPI report.
    public var json: JSONValue {
        switch self {
        case .now: .object(["now": .bool(true)])
        case .position(let position): .object(["position": .integer(Int64(clamping: position))])
        case .time(let time): .object(["time": .string(time.rfc3339 ?? "\(time.rawValue)")])
        }
    }
}

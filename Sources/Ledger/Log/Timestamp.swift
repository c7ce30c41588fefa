/// An instant, as whole microseconds since 1970-01-01T00:00:00Z (the Unix epoch).
///
/// A plain 64-bit integer, so it is stored in record headers without conversion and compared
/// in a replay without decoding anything.
public struct Timestamp: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since the Unix epoch; negative before it.
    public var rawValue: Int64

    /// Creates a timestamp from microseconds since the Unix epoch.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Creates a timestamp from microseconds since the Unix epoch.
    public init(microsecondsSinceEpoch: Int64) { self.rawValue = microsecondsSinceEpoch }

    /// Creates a timestamp from whole seconds since the Unix epoch.
    public init(secondsSinceEpoch: Int64) { self.rawValue = secondsSinceEpoch * 1_000_000 }

    /// Microseconds since the Unix epoch.
    public var microsecondsSinceEpoch: Int64 { rawValue }

    /// The current time, from the system's real-time clock.
    public static var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(rawValue: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The raw value in microseconds, e.g. `1700000000000000µs` (not a calendar date).
    public var description: String { "\(rawValue)µs" }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state a stream must be in for an append to it to succeed: optimistic concurrency.
///
/// Versions count a stream's events: a stream with no events is at version 0, its first event
/// has version 1.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check: append whatever the stream holds.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must hold at least one event.
    case streamExists
    /// The stream must be at exactly this version (0 is the same as ``noStream``).
    case exact(UInt64)

    /// Whether a stream currently at `version` satisfies the expectation.
    func isSatisfied(byVersion version: UInt64) -> Bool {
        switch self {
        case .any: true
        case .noStream: version == 0
        case .streamExists: version > 0
        case .exact(let expected): version == expected
        }
    }

    /// The expectation in words, as error messages show it.
    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .streamExists: "stream exists"
        case .exact(let version): "version \(version)"
        }
    }
}

/// What ``Ledger/copy(to:compacting:)`` wrote.
public struct StoreCopy: Sendable, Hashable, CustomStringConvertible {
    /// The directory holding the copy: a store that ``Ledger/init(path:configuration:)`` opens.
    public var directory: String
    /// The size of the copy's data file in bytes.
    public var bytes: Int
    /// Whether free space was left out and the log laid out in order.
    public var isCompacted: Bool

    /// Describes a copy.
    public init(directory: String, bytes: Int, isCompacted: Bool) {
        self.directory = directory
        self.bytes = bytes
        self.isCompacted = isCompacted
    }

    /// E.g. `copied to /backups/2026-11-23: 3488219136 bytes, compacted`.
    public var description: String {
        "copied to \(directory): \(bytes) bytes\(isCompacted ? ", compacted" : "")"
    }
}

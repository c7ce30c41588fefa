/// A failure of a ledger operation.
///
/// Every case says what failed and where (stream, position, event id or index in the batch),
/// and none carries an event's payload or metadata, which may hold personal data.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stream was not in the state the append expected; nothing was written.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// The event id is already stored with other content (at `position`); nothing was written.
    case eventIDConflict(id: String, position: UInt64)
    /// The event at `index` of the append breaks a limit; nothing was written.
    case invalidEvent(index: Int, reason: String)
    /// The stream name breaks a limit; nothing was written.
    case invalidStream(reason: String)
    /// An argument other than an event or stream was invalid.
    case invalidArgument(String)
    /// The record at `position` could not be read.
    case corruptRecord(position: UInt64, reason: String)
    /// The store has a newer store format (in its meta database) than this library reads.
    case unsupportedFormat(found: UInt32, supported: UInt32)
    /// The store directory is already open in this process; LMDB allows one handle per process.
    case alreadyOpen(path: String)
    /// The ledger was closed.
    case closed
    /// The storage engine failed.
    case storage(StorageError)

    /// What failed and where, in words; never an event's payload or metadata values.
    public var description: String {
        switch self {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "append to stream \"\(stream)\" expected \(expected), but the stream is at version \(actual)"
        case .eventIDConflict(let id, let position):
            "event id \"\(id)\" is already stored at position \(position) with other content"
        case .invalidEvent(let index, let reason):
            "event \(index) of the append: \(reason)"
        case .invalidStream(let reason):
            reason
        case .invalidArgument(let reason):
            reason
        case .corruptRecord(let position, let reason):
            "record at position \(position) is damaged: \(reason)"
        case .unsupportedFormat(let found, let supported):
            "store has format version \(found); this library reads up to \(supported)"
        case .alreadyOpen(let path):
            "store \(path) is already open in this process"
        case .closed:
            "the ledger is closed"
        case .storage(let error):
            error.description
        }
    }
}

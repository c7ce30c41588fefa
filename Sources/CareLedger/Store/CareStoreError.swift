/// A failure of a ``CareStore`` operation that is neither a broken rule (``RuleViolation``)
/// nor a failure of the ledger (`LedgerError`).
///
/// Cases name event ids and positions, never an event's data or metadata.
public enum CareStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An atomic append lists an event of a stream after events of another stream that follow
    /// earlier events of its own; the ledger cannot keep that order in one atomic append.
    case streamNotContiguous(eventID: String)
    /// The stored record at `position` cannot be read as a domain event.
    case unreadableRecord(position: UInt64, problem: EventDataError)

    public var description: String {
        switch self {
        case .streamNotContiguous(let eventID):
            "event \"\(eventID)\" returns to a stream the append left for another; an atomic append keeps each stream's events together"
        case .unreadableRecord(let position, let problem):
            "the record at position \(position) is not a readable domain event: \(problem)"
        }
    }
}

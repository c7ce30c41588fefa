/// The outcome of ``Ledger/verify()``: how much of the log was checked and the first problem
/// found, if any.
public struct VerificationReport: Sendable, Hashable, CustomStringConvertible {
    /// The number of records whose content, hash chain and index entries passed: the log's
    /// head when it is intact; otherwise the verified prefix (before ``problem``'s position
    /// when the problem is in a record, the whole walked log when it is in an index or the
    /// stored head).
    public var head: UInt64
    /// The hash of the last verified record; ``RecordHash/zero`` when there is none.
    public var headHash: RecordHash
    /// The number of streams.
    public var streams: Int
    /// The first problem, by position; `nil` when the ledger is intact.
    public var problem: VerificationProblem?

    /// Whether the log, its hash chain and its indexes are consistent.
    public var isIntact: Bool { problem == nil }

    /// The outcome in words: `intact: …` or `damaged: position N: …`.
    public var description: String {
        if let problem { return "damaged: \(problem)" }
        return "intact: \(head) events in \(streams) streams, head hash \(headHash)"
    }
}

/// A problem ``Ledger/verify()`` found, at the first position where it shows.
public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// The log skips from `expected` to `found`.
        case gap(expected: UInt64, found: UInt64)
        /// The record's bytes do not parse.
        case malformedRecord(String)
        /// The record's header holds another position than its key.
        case positionMismatch(stored: UInt64)
        /// The record's stored hash differs from the hash of its content and its predecessor:
        /// the record, or one before it, was edited.
        case hashMismatch
        /// The record's stream version does not follow its stream's previous one.
        case streamVersionMismatch(expected: UInt64, found: UInt64)
        /// The record (format 2) names another position than its stream's previous event as
        /// its predecessor in the stream (0: none).
        case streamChainMismatch(expected: UInt64, found: UInt64)
        /// An index lacks the entry for the record, or its entry points elsewhere.
        case missingIndexEntry(index: String)
        /// An index entry points to a record that does not match it.
        case danglingIndexEntry(index: String)
        /// The stored head or head hash disagrees with the log.
        case headMismatch(String)
    }

    /// The log position where the problem shows.
    public var position: UInt64
    /// What is wrong there.
    public var kind: Kind

    /// The problem in words: `position N: what`.
    public var description: String {
        let what: String
        switch kind {
        case .gap(let expected, let found): what = "log skips from \(expected) to \(found)"
        case .malformedRecord(let reason): what = "malformed record: \(reason)"
        case .positionMismatch(let stored): what = "record header says position \(stored)"
        case .hashMismatch: what = "hash does not match the record's content: history was altered"
        case .streamVersionMismatch(let expected, let found): what = "stream version \(found), expected \(expected)"
        case .streamChainMismatch(let expected, let found):
            what = "previous position in stream \(found), expected \(expected)"
        case .missingIndexEntry(let index): what = "\(index) index entry missing or wrong"
        case .danglingIndexEntry(let index): what = "\(index) index entry points to a record that does not match it"
        case .headMismatch(let detail): what = detail
        }
        return "position \(position): \(what)"
    }
}

/// A named key-value table in the ledger's store, beside the log: where read models,
/// checkpoints and snapshots live, so they can be written in the same transaction as what
/// they depend on.
///
/// Keys are 1–511 bytes and sort by byte order; values are any bytes. Obtain a table with
/// ``Ledger/table(named:)``.
public struct Table: Sendable, Hashable {
    let database: Database

    /// The table's name.
    public var name: String { database.name }

    /// Whether two tables are the same table of the same open ledger.
    public static func == (lhs: Table, rhs: Table) -> Bool { lhs.database.handle == rhs.database.handle }
    /// Hashes the table's identity within its ledger.
    public func hash(into hasher: inout Hasher) { hasher.combine(database.handle) }
}

/// The hook through which code outside the ledger keeps state in step with the log, inside
/// the append's own transaction (an *inline* projection, or rules checked against stored
/// state).
///
/// The writer calls ``didAppend(_:in:)`` on its thread, for each record an append stores, in
/// order, after the record is written and before the append commits. Writes through the scope
/// commit with the append. Throwing refuses the whole append: nothing of it, records or hook
/// writes, is stored, and the appender receives the error unchanged.
///
/// Hooks are not stored: each process adds its own when it opens the ledger. A hook may see
/// the same records again when a group commit is retried after the map grew (its earlier
/// writes were discarded with that attempt), so it must derive everything from the scope and
/// the record, not from memory of earlier calls it cannot verify. An append that stores
/// nothing new (only already stored ids) calls no hook.
public protocol AppendHook: Sendable {
    /// Called for each stored record; `record` is a copy valid for the duration of the call.
    func didAppend(_ record: RecordView, in scope: WriteScope) throws

    /// Called once per append, after ``didAppend(_:in:)`` has seen its last record (at
    /// `position`), still inside its transaction: the place to write state that need not be
    /// written per record. The default does nothing.
    func didFinishAppend(through position: UInt64, in scope: WriteScope) throws
}

extension AppendHook {
    /// Does nothing.
    public func didFinishAppend(through position: UInt64, in scope: WriteScope) throws {}
}

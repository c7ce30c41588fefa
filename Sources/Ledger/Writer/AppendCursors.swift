/// The write cursors one append transaction (or one nested transaction of it) writes through:
/// one per database, so that consecutive puts that land on the same page skip the descent from
/// the root.
///
/// In a store of format 2 an event id is stored in exactly one of two tiers: `ids` or the
/// small `recentIDs`. A durable commit of a few events touching many id ranges (many
/// appenders, each with its own ids) would dirty one `ids` leaf per range, and every dirty
/// page is written before the commit's sync; `recentIDs` stays a few pages, and is moved into
/// `ids` in bulk once it holds ``StoreLayout/recentIDsLimit`` entries (``moveRecentIDs(in:layout:)``).
/// Deferred commits, and groups large enough to share `ids` leaves, write into `ids` directly.
///
/// Drop the cursors before the transaction ends: LMDB frees a write transaction's cursors at
/// commit, so each bundle lives in a function scope inside the transaction's.
struct AppendCursors: ~Copyable {
    let log: WriteCursor
    let streams: WriteCursor
    let heads: WriteCursor
    /// The tier new ids go into.
    let ids: WriteCursor
    /// The other tier, when it may hold ids (a new id must be absent from it too).
    let otherIDs: Database?

    /// Opens the cursors in `transaction`; new ids go into `recentIDs` when `intoRecentIDs`
    /// and the store has that tier.
    init(layout: StoreLayout, transaction: Transaction, intoRecentIDs: Bool) throws(StorageError) {
        let log = try WriteCursor(layout.log, in: transaction)
        let streams = try WriteCursor(layout.streams, in: transaction)
        let heads = try WriteCursor(layout.heads, in: transaction)
        let target: Database
        let other: Database?
        if let recent = layout.recentIDs, intoRecentIDs {
            (target, other) = (recent, layout.ids)
        } else if let recent = layout.recentIDs, try transaction.count(recent) > 0 {
            (target, other) = (layout.ids, recent)
        } else {
            (target, other) = (layout.ids, nil)
        }
        let ids = try WriteCursor(target, in: transaction)
        self.log = log
        self.streams = streams
        self.heads = heads
        self.ids = ids
        self.otherIDs = other
    }

    /// Moves every entry of `recentIDs` into `ids` when it holds at least
    /// ``StoreLayout/recentIDsLimit``: keys in order, through one cursor, then empties the tier.
    ///
    /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` when an id is in both tiers.
    static func moveRecentIDs(in transaction: Transaction, layout: StoreLayout) throws {
        guard let recent = layout.recentIDs, try transaction.count(recent) >= StoreLayout.recentIDsLimit else { return }
        let ids = try WriteCursor(layout.ids, in: transaction)
        try transaction.withCursor(recent) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                do {
                    try ids.put(current.key, current.value, .noOverwrite)
                } catch let error as StorageError where error.code == .keyExists {
                    throw LedgerError.corruptRecord(
                        position: bigEndianUInt64(current.value), reason: "the record's id is in both id index tiers")
                }
                entry = try cursor.next()
            }
        }
        try transaction.removeAll(recent)
    }
}

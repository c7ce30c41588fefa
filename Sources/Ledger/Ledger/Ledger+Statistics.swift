/// Figures about a ledger's store.
public struct LedgerStatistics: Sendable, Hashable {
    /// The number of events: equal to ``head``, since positions are gap-free from 1.
    public var events: UInt64
    /// The number of streams.
    public var streams: Int
    /// The last position.
    public var head: UInt64
    /// The size of the data file in bytes.
    public var storeSize: Int
    /// The size of the memory map in bytes (the store can grow to it before the map grows).
    public var mapSize: Int
}

extension Ledger {
    /// Counts of events and streams and the store's sizes.
    ///
    /// Cost: one read transaction; no scan.
    ///
    /// - Throws: ``LedgerError/storage(_:)``.
    public func statistics() throws -> LedgerStatistics {
        let (head, streams) = try read { txn in
            (try Chain.stored(in: txn, layout: layout).head, try txn.count(layout.heads))
        }
        return LedgerStatistics(events: head, streams: streams, head: head, storeSize: environment.fileSize, mapSize: environment.mapSize)
    }
}

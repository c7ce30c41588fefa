/// Read access to the store inside one read-only snapshot: what ``Ledger/read(_:)`` hands its
/// closure. Bytes it returns are borrowed from the store and valid until the closure returns.
public struct ReadScope {
    let transaction: Transaction
    let layout: StoreLayout

    /// The value stored under `key` in `table`, borrowed, or `nil`.
    ///
    /// - Throws: ``LedgerError/storage(_:)``.
    public func value(for key: UnsafeRawBufferPointer, in table: Table) throws -> UnsafeRawBufferPointer? {
        try storage { () throws(StorageError) in try transaction.get(table.database, key) }
    }

    /// The value stored under `key` in `table`, copied, or `nil`.
    public func value(for key: [UInt8], in table: Table) throws -> [UInt8]? {
        try key.withUnsafeBytes { try value(for: $0, in: table).map(Array.init) }
    }

    /// Calls `body` with each entry of `table` whose key is at least `start`, in key order,
    /// until it returns `false`.
    public func forEach(
        in table: Table, from start: [UInt8] = [], _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try Self.forEach(in: table, from: start, transaction: transaction, body)
    }

    /// The entry with the greatest key at most `key`, or `nil`.
    public func lastEntry(atMost key: [UInt8], in table: Table) throws -> (key: [UInt8], value: UnsafeRawBufferPointer)? {
        try transaction.withCursor(table.database) { cursor -> (key: [UInt8], value: UnsafeRawBufferPointer)? in
            var entry = try key.withUnsafeBytes { try cursor.seek(atLeast: $0) }
            if let found = entry, found.key.elementsEqual(key) { return (Array(found.key), found.value) }
            entry = entry == nil ? try cursor.last() : try cursor.previous()
            return entry.map { (Array($0.key), $0.value) }
        }
    }

    /// The number of entries in `table`.
    public func count(of table: Table) throws -> Int {
        try storage { () throws(StorageError) in try transaction.count(table.database) }
    }

    /// The last position of the log in this snapshot.
    public var head: UInt64 {
        get throws {
            do {
                return try Chain.stored(in: transaction, layout: layout).head
            } catch let error as StorageError {
                throw LedgerError.storage(error)
            }
        }
    }

    /// Counts `bytes` against the ledger's bound on the mapped part of the store
    /// (`Configuration.scanResidentBudget`), as record scans count the records they read, so
    /// that reading many large values in place (the projection engine's snapshots) keeps the
    /// resident set bounded too. Does nothing in a write scope's reader.
    ///
    /// `bytes` must have been returned by this scope (``value(for:in:)``, ``lastEntry(atMost:in:)``):
    /// beyond the budget, the blocks of the map they lie in are unmapped. Package-only for
    /// that reason.
    ///
    /// Cost: a lock and, beyond the budget, unmapping the blocks used least recently.
    package func countMapped(_ bytes: UnsafeRawBufferPointer) {
        var pages = ScanPageReleaser(transaction.residency)
        pages.note(spanning: bytes)
        pages.flush()
    }

    /// Calls `body` with each record from `start` through `end` in this snapshot; see
    /// ``Ledger/forEachRecord(from:through:_:)``.
    @discardableResult
    public func forEachRecord(from start: UInt64 = 1, through end: UInt64 = .max, _ body: (RecordView) throws -> Bool) throws -> UInt64 {
        try Ledger.forEachRecord(from: start, through: end, in: transaction, layout: layout, body)
    }

    /// Calls `body` with the records from `start` through `end` in this snapshot, in groups of
    /// up to 16 consecutive positions, in order, until it returns `false`. A consumer that
    /// looks records' keys up in large tables can first prefetch what every record of a group
    /// needs (``MemoryHint/prefetch(_:)``) and then process them, so that the cache misses
    /// overlap.
    ///
    /// The records' memory stays valid until the scope ends. Cost, throws and memory: as
    /// ``Ledger/forEachRecord(from:through:_:)``.
    ///
    /// - Returns: the position of the last record handed over (`start - 1` if none).
    @discardableResult
    public func forEachRecordGroup(
        from start: UInt64 = 1, through end: UInt64 = .max, _ body: (UnsafeBufferPointer<RecordView>) throws -> Bool
    ) throws -> UInt64 {
        try Ledger.forEachRecordGroup(from: start, through: end, in: transaction, layout: layout) { try body($1) }
    }

    static func forEach(
        in table: Table, from start: [UInt8], transaction: Transaction,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try transaction.withCursor(table.database) { cursor in
            var entry = start.isEmpty ? try cursor.first() : try start.withUnsafeBytes { try cursor.seek(atLeast: $0) }
            while let current = entry, try body(current.key, current.value) {
                entry = try cursor.next()
            }
        }
    }
}

/// Runs a storage call, reporting its failure as ``LedgerError/storage(_:)``.
@inline(__always)
func storage<T>(_ body: () throws(StorageError) -> T) throws(LedgerError) -> T {
    do { return try body() } catch { throw .storage(error) }
}

/// Calls `body` with the bytes of `key` (an `Array.withUnsafeBytes` that keeps a typed error).
@inline(__always)
func withValueKey<T>(_ key: inout [UInt8], _ body: (UnsafeRawBufferPointer) throws(StorageError) -> T) throws(StorageError) -> T {
    let count = key.count
    return try key.withUnsafeMutableBufferPointer { (buffer) throws(StorageError) -> T in
        try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
    }
}

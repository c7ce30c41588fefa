/// Read-write access to the store inside a write transaction on the ledger's writer thread:
/// what ``Ledger/write(_:)`` and an ``AppendHook`` receive. Everything written commits or
/// aborts together with the transaction.
///
/// Bytes read through the scope are valid until its next write.
public struct WriteScope {
    let transaction: Transaction
    let layout: StoreLayout

    /// A read view of the same transaction, which sees this transaction's own writes.
    public var reader: ReadScope { ReadScope(transaction: transaction, layout: layout) }

    /// The value stored under `key` in `table`, borrowed, or `nil`.
    public func value(for key: UnsafeRawBufferPointer, in table: Table) throws -> UnsafeRawBufferPointer? {
        try reader.value(for: key, in: table)
    }

    /// The value stored under `key` in `table`, copied, or `nil`.
    public func value(for key: [UInt8], in table: Table) throws -> [UInt8]? {
        try reader.value(for: key, in: table)
    }

    /// Stores `value` under `key` in `table`, replacing any value there.
    ///
    /// - Throws: ``LedgerError/invalidArgument(_:)`` for an empty key or one over 511 bytes;
    ///   ``LedgerError/storage(_:)``.
    public func set(_ value: UnsafeRawBufferPointer, for key: UnsafeRawBufferPointer, in table: Table) throws {
        guard !key.isEmpty, key.count <= 511 else {
            throw LedgerError.invalidArgument("key of \(key.count) bytes for table \(table.name); 1–511 allowed")
        }
        try storage { () throws(StorageError) in
            try transaction.put(table.database, key, value)
        }
    }

    /// Stores `value` under `key` in `table`, replacing any value there.
    public func set(_ value: [UInt8], for key: [UInt8], in table: Table) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { try set($0, for: k, in: table) } }
    }

    /// Removes the entry under `key` from `table`; returns whether there was one.
    @discardableResult
    public func removeValue(for key: [UInt8], in table: Table) throws -> Bool {
        var key = key
        return try storage { () throws(StorageError) -> Bool in
            try withValueKey(&key) { (k) throws(StorageError) -> Bool in try transaction.delete(table.database, k) }
        }
    }

    /// Removes every entry of `table`.
    public func removeAll(in table: Table) throws {
        try storage { () throws(StorageError) in try transaction.removeAll(table.database) }
    }
}

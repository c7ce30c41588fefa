internal import CLMDB

/// A cursor that writes into one database of a write transaction.
///
/// Successive puts through one cursor skip the descent from the root when the key lands on
/// the page the cursor is already on (LMDB checks the cursor's page first), which is the
/// common case for the ledger's appends: positions always grow, and a stream's or an id
/// range's keys cluster. A write cursor must be dropped before its transaction commits or
/// aborts, so it lives in a scope that ends before the transaction does (see
/// ``AppendCursors``).
struct WriteCursor: ~Copyable {
    private let handle: OpaquePointer
    let database: Database

    /// Opens a cursor on `database` in the write transaction `transaction`.
    init(_ database: Database, in transaction: Transaction) throws(StorageError) {
        var pointer: OpaquePointer?
        try lmdb("mdb_cursor_open(\(database.name))") { mdb_cursor_open(transaction.handle, database.handle, &pointer) }
        handle = pointer!
        self.database = database
    }

    deinit { mdb_cursor_close(handle) }

    /// Stores `value` under `key`.
    @inline(__always)
    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, _ flags: PutFlags = []) throws(StorageError) {
        try withValue(key) { (k) throws(StorageError) in
            try withValue(value) { (v) throws(StorageError) in
                try lmdb("mdb_cursor_put(\(database.name))") { mdb_cursor_put(handle, &k, &v, flags.rawValue) }
            }
        }
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place, saving a copy.
    @inline(__always)
    func put(
        _ key: UnsafeRawBufferPointer, reserving count: Int, _ flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(StorageError) {
        try withValue(key) { (k) throws(StorageError) in
            var v = MDB_val(mv_size: count, mv_data: nil)
            try lmdb("mdb_cursor_put(\(database.name))") {
                mdb_cursor_put(handle, &k, &v, flags.rawValue | UInt32(MDB_RESERVE))
            }
            fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
        }
    }
}

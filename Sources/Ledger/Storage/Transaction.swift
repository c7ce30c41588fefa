internal import CLMDB

/// An open LMDB transaction, read-only or read-write, as seen by code running inside it.
///
/// `Transaction` is only ever handed to a closure (``LMDBEnvironment/read(_:)``) or held by a
/// ``WriteTransaction``, which owns its lifetime; bytes it returns point into the memory map
/// and are valid until the transaction ends or, in a write transaction, until the next write.
struct Transaction {
    let handle: OpaquePointer
    /// The environment's budget of mapped blocks for long scans (`nil`: scans release
    /// nothing). Set for read-only transactions only: a write transaction's own changes live
    /// in pages on the heap, not in the map, and must never be released. Unretained: the
    /// environment outlives its transactions.
    var residency: Unmanaged<ScanResidency>? = nil

    /// The value stored under `key`, or `nil`; the bytes are borrowed from the map.
    @inline(__always)
    func get(_ database: Database, _ key: UnsafeRawBufferPointer) throws(StorageError) -> UnsafeRawBufferPointer? {
        var data = MDB_val()
        let found = try withValue(key) { (k) throws(StorageError) -> Bool in
            try lmdbLookup("mdb_get(\(database.name))") { mdb_get(handle, database.handle, &k, &data) }
        }
        return found ? data.bytes : nil
    }

    /// The value stored under the big-endian encoding of `key`.
    @inline(__always)
    func get(_ database: Database, position key: UInt64) throws(StorageError) -> UnsafeRawBufferPointer? {
        try withBigEndianBytes(of: key) { (k) throws(StorageError) in try get(database, k) }
    }

    /// The number of entries in `database`.
    func count(_ database: Database) throws(StorageError) -> Int {
        var stat = MDB_stat()
        try lmdb("mdb_stat(\(database.name))") { mdb_stat(handle, database.handle, &stat) }
        return stat.ms_entries
    }

    /// Runs `body` with a cursor over `database`, closing it afterwards.
    @inline(__always)
    func withCursor<T, E: Error>(
        _ database: Database, _ body: (inout Cursor) throws(E) -> T
    ) throws -> T {
        var pointer: OpaquePointer?
        try lmdb("mdb_cursor_open(\(database.name))") { mdb_cursor_open(handle, database.handle, &pointer) }
        var cursor = Cursor(handle: pointer!, database: database)
        return try body(&cursor)
    }
}

/// A read-write transaction, owned: it is committed with ``commit()`` or aborted with
/// ``abort()``; one dropped without either is aborted.
///
/// LMDB requires a write transaction to end on the thread that began it, so write
/// transactions are only begun by the ledger's writer thread and never cross an `await`.
struct WriteTransaction: ~Copyable {
    let transaction: Transaction
    // Unretained so that `commit` and `abort` may `discard self`: the environment that owns
    // the gate outlives every transaction begun on it.
    private let unmanagedGate: Unmanaged<TransactionGate>
    private var gate: TransactionGate { unmanagedGate.takeUnretainedValue() }

    init(handle: OpaquePointer, gate: TransactionGate) {
        self.transaction = Transaction(handle: handle)
        self.unmanagedGate = .passUnretained(gate)
    }

    /// Stores `value` under `key`.
    @inline(__always)
    func put(
        _ database: Database, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
        _ flags: PutFlags = []
    ) throws(StorageError) {
        try transaction.put(database, key, value, flags)
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place, saving a copy.
    @inline(__always)
    func put(
        _ database: Database, _ key: UnsafeRawBufferPointer, reserving count: Int, _ flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(StorageError) {
        try transaction.put(database, key, reserving: count, flags, fill: fill)
    }

    /// Begins a transaction nested in this one: its writes become part of this transaction
    /// when it commits, and vanish when it aborts. This transaction must not be used until
    /// the nested one ends.
    func nested() throws(StorageError) -> WriteTransaction {
        gate.enterShared()
        var child: OpaquePointer?
        let rc = mdb_txn_begin(mdb_txn_env(transaction.handle), transaction.handle, 0, &child)
        guard rc == 0, let child else {
            gate.leaveShared()
            throw StorageError(.init(rawValue: rc), operation: "mdb_txn_begin(nested)")
        }
        return WriteTransaction(handle: child, gate: gate)
    }

    /// Makes the transaction's writes durable (subject to the environment's sync mode).
    consuming func commit() throws(StorageError) {
        let handle = transaction.handle
        let gate = self.gate
        discard self
        defer { gate.leaveShared() }
        try lmdb("mdb_txn_commit") { mdb_txn_commit(handle) }
    }

    /// Discards the transaction's writes.
    consuming func abort() {
        mdb_txn_abort(transaction.handle)
        gate.leaveShared()
        discard self
    }

    deinit {
        mdb_txn_abort(transaction.handle)
        gate.leaveShared()
    }
}

/// Flags for a put.
struct PutFlags: OptionSet {
    let rawValue: UInt32
    /// Fail with `.keyExists` rather than replace an existing value.
    static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key in the database: append without searching.
    static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}

extension Transaction {
    // Writes: valid only when the transaction is a write transaction (a `WriteTransaction`'s,
    // or the one a `WriteScope` wraps).

    /// Stores `value` under `key`.
    @inline(__always)
    func put(
        _ database: Database, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
        _ flags: PutFlags = []
    ) throws(StorageError) {
        try withValue(key) { (k) throws(StorageError) in
            try withValue(value) { (v) throws(StorageError) in
                try lmdb("mdb_put(\(database.name))") {
                    mdb_put(handle, database.handle, &k, &v, flags.rawValue)
                }
            }
        }
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place, saving a copy.
    @inline(__always)
    func put(
        _ database: Database, _ key: UnsafeRawBufferPointer, reserving count: Int, _ flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(StorageError) {
        try withValue(key) { (k) throws(StorageError) in
            var v = MDB_val(mv_size: count, mv_data: nil)
            try lmdb("mdb_put(\(database.name))") {
                mdb_put(handle, database.handle, &k, &v, flags.rawValue | UInt32(MDB_RESERVE))
            }
            fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
        }
    }

    /// Removes the entry under `key`; returns whether there was one.
    @discardableResult
    func delete(_ database: Database, _ key: UnsafeRawBufferPointer) throws(StorageError) -> Bool {
        try withValue(key) { (k) throws(StorageError) -> Bool in
            try lmdbLookup("mdb_del(\(database.name))") { mdb_del(handle, database.handle, &k, nil) }
        }
    }

    /// Removes every entry of `database`, keeping the database itself.
    func removeAll(_ database: Database) throws(StorageError) {
        try lmdb("mdb_drop(\(database.name))") { mdb_drop(handle, database.handle, 0) }
    }
}

internal import CLMDB

/// A cursor over one database, owned by the closure of ``Transaction/withCursor(_:_:)``.
///
/// Positioning calls return the entry the cursor lands on, as bytes borrowed from the map, or
/// `nil` at either end of the database.
struct Cursor: ~Copyable {
    private let handle: OpaquePointer
    private let database: Database

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    deinit { mdb_cursor_close(handle) }

    /// One key/value entry, borrowed from the map.
    struct Entry {
        var key: UnsafeRawBufferPointer
        var value: UnsafeRawBufferPointer
    }

    @inline(__always)
    private func move(_ op: MDB_cursor_op) throws(StorageError) -> Entry? {
        var key = MDB_val()
        var value = MDB_val()
        guard try lmdbLookup("mdb_cursor_get(\(database.name))", { mdb_cursor_get(handle, &key, &value, op) })
        else { return nil }
        return Entry(key: key.bytes, value: value.bytes)
    }

    /// Moves to the first entry.
    func first() throws(StorageError) -> Entry? { try move(MDB_FIRST) }
    /// Moves to the last entry.
    func last() throws(StorageError) -> Entry? { try move(MDB_LAST) }
    /// Moves to the next entry.
    @inline(__always)
    func next() throws(StorageError) -> Entry? { try move(MDB_NEXT) }
    /// Moves to the previous entry.
    func previous() throws(StorageError) -> Entry? { try move(MDB_PREV) }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    func seek(atLeast key: UnsafeRawBufferPointer) throws(StorageError) -> Entry? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var value = MDB_val()
        guard try lmdbLookup("mdb_cursor_get(\(database.name))", { mdb_cursor_get(handle, &k, &value, MDB_SET_RANGE) })
        else { return nil }
        return Entry(key: k.bytes, value: value.bytes)
    }
}

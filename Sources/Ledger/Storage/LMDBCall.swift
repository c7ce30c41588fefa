internal import CLMDB

/// Calls one `mdb_*` function and turns a non-zero return code into a ``StorageError``
/// naming the operation.
///
/// Every LMDB call in the module goes through here (or through ``lmdbLookup(_:_:)`` for calls
/// where `MDB_NOTFOUND` is an expected answer), so that no return code is ignored.
@inline(__always)
func lmdb(_ operation: @autoclosure () -> String, _ call: () -> Int32) throws(StorageError) {
    let rc = call()
    if rc != 0 { throw StorageError(StorageError.Code(rawValue: rc), operation: operation()) }
}

/// Calls an LMDB lookup: returns `false` for `MDB_NOTFOUND`, `true` for success, and throws
/// for any other code.
@inline(__always)
func lmdbLookup(_ operation: @autoclosure () -> String, _ call: () -> Int32) throws(StorageError) -> Bool {
    let rc = call()
    if rc == 0 { return true }
    if rc == MDB_NOTFOUND { return false }
    throw StorageError(StorageError.Code(rawValue: rc), operation: operation())
}

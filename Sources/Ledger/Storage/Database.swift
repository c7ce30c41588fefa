internal import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A named database (an LMDB `MDB_dbi`) inside the environment.
///
/// Handles are opened once, when the ledger opens, and stay valid for the life of the
/// environment.
struct Database: Sendable {
    let handle: MDB_dbi
    let name: String
}

/// Calls `body` with the bytes of `value` in big-endian order, the key layout of every
/// position-keyed database: byte order equals numeric order, so LMDB's default `memcmp`
/// comparison sorts keys by position and `MDB_APPEND` applies.
@inline(__always)
func withBigEndianBytes<T, E: Error>(
    of value: UInt64, _ body: (UnsafeRawBufferPointer) throws(E) -> T
) throws(E) -> T {
    var big = value.bigEndian
    return try withUnsafeBytes(of: &big) { (raw) throws(E) -> T in try body(raw) }
}

/// Reads a big-endian `UInt64` from the first 8 bytes of `bytes`.
@inline(__always)
func bigEndianUInt64(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
}

extension MDB_val {
    /// A view of the bytes an `MDB_val` points to; valid while the transaction that produced
    /// it is open and has made no later write.
    @inline(__always)
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mv_data, count: mv_size)
    }
}

/// Calls `body` with an `MDB_val` that points into `bytes` for the duration of the call.
@inline(__always)
func withValue<T, E: Error>(
    _ bytes: UnsafeRawBufferPointer, _ body: (inout MDB_val) throws(E) -> T
) throws(E) -> T {
    var value = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
    return try body(&value)
}

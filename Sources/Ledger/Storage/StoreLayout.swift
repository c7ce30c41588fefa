/// The named databases of a ledger store and how their keys are laid out.
///
/// | database | key | value |
/// |---|---|---|
/// | `log` | position, 8 bytes big-endian | the record |
/// | `streams` | stream name, 0x00, stream version (8 bytes big-endian) | position (8 bytes big-endian) |
/// | `heads` | stream name | stream version, then last position (8 + 8 bytes big-endian) |
/// | `ids` | event id | position (8 bytes big-endian) |
/// | `meta` | ASCII name | see ``MetaKey`` |
struct StoreLayout: Sendable {
    let log: Database
    let streams: Database
    let heads: Database
    let ids: Database
    let meta: Database

    /// The format version of the store as a whole (record format and key layout).
    static let formatVersion: UInt32 = 1

    static let names = ["log", "streams", "heads", "ids", "meta"]

    init(_ databases: [Database]) {
        log = databases[0]
        streams = databases[1]
        heads = databases[2]
        ids = databases[3]
        meta = databases[4]
    }

    /// Keys of the `meta` database.
    enum MetaKey {
        /// The store format version, 4 bytes little-endian.
        static let format: [UInt8] = Array("format".utf8)
        /// The last position, 8 bytes big-endian.
        static let head: [UInt8] = Array("head".utf8)
        /// The hash of the last record, 32 bytes.
        static let headHash: [UInt8] = Array("headHash".utf8)
    }

    /// The `streams` key of `version` in the stream whose name is `stream`.
    static func streamIndexKey(_ stream: UnsafeRawBufferPointer, version: UInt64) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: stream.count + 9)
        key.withUnsafeMutableBytes { out in
            UnsafeMutableRawBufferPointer(rebasing: out[0 ..< stream.count]).copyMemory(from: stream)
            out.storeBytes(of: version.bigEndian, toByteOffset: stream.count + 1, as: UInt64.self)
        }
        return key
    }

    /// Calls `body` with the `streams` key of `version` in `stream`, built on the stack.
    @inline(__always)
    static func withStreamIndexKey<T>(
        _ stream: UnsafeRawBufferPointer, version: UInt64, _ body: (UnsafeRawBufferPointer) throws -> T
    ) rethrows -> T {
        try withUnsafeTemporaryAllocation(byteCount: stream.count + 9, alignment: 1) { out in
            UnsafeMutableRawBufferPointer(rebasing: out[0 ..< stream.count]).copyMemory(from: stream)
            out[stream.count] = 0
            out.storeBytes(of: version.bigEndian, toByteOffset: stream.count + 1, as: UInt64.self)
            return try body(UnsafeRawBufferPointer(out))
        }
    }

    /// A `heads` value.
    static func headValue(version: UInt64, position: UInt64) -> (UInt64, UInt64) {
        (version.bigEndian, position.bigEndian)
    }
}

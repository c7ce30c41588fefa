/// The named databases of a ledger store, how their keys are laid out, and which store
/// format (see the "On-disk format" article) the open store has.
///
/// | database | key | value |
/// |---|---|---|
/// | `log` | position, 8 bytes big-endian | the record |
/// | `streams` | stream name, 0x00, stream version (8 bytes big-endian) | position (8 bytes big-endian) |
/// | `heads` | stream name | stream version, then last position (8 + 8 bytes big-endian) |
/// | `ids` | event id | position (8 bytes big-endian) |
/// | `meta` | ASCII name | see ``MetaKey`` |
/// | `recentIDs` (format 2) | event id | position (8 bytes big-endian) |
///
/// Format 1: `streams` holds every version; records are of format 1. Format 2: records carry
/// the previous position in their stream (record format 2), `streams` holds only every
/// ``streamCheckpointInterval``-th version, and an id is in either `ids` or `recentIDs`,
/// the small tier that durable commits write into (see ``AppendCursors``).
struct StoreLayout: Sendable {
    let log: Database
    let streams: Database
    let heads: Database
    let ids: Database
    let meta: Database
    /// Format 2's second id tier; `nil` in a store of format 1.
    let recentIDs: Database?
    /// The store format: 1 or 2.
    let format: UInt32

    /// The store format this version writes into a new store.
    static let formatVersion: UInt32 = 2
    /// The format of a store created by version 1 of the library, still read and appended to.
    static let firstFormatVersion: UInt32 = 1

    static let names = ["log", "streams", "heads", "ids", "meta"]
    static let recentIDsName = "recentIDs"

    /// In format 2, `streams` holds the versions that are multiples of this.
    static let streamCheckpointInterval: UInt64 = 32
    /// A durable commit moves `recentIDs` into `ids` once it holds this many entries; a group
    /// commit of at least this many new events writes its ids into `ids` directly.
    static let recentIDsLimit = 1024

    init(_ databases: [Database], format: UInt32 = firstFormatVersion, recentIDs: Database? = nil) {
        log = databases[0]
        streams = databases[1]
        heads = databases[2]
        ids = databases[3]
        meta = databases[4]
        self.format = format
        self.recentIDs = recentIDs
    }

    /// Whether records chain their stream (format 2) rather than `streams` indexing every version.
    var chainsStreams: Bool { format >= 2 }

    /// The record format appended to this store.
    var recordFormat: UInt8 { chainsStreams ? RecordLayout.chainedFormatVersion : RecordLayout.formatVersion }

    /// Whether `streams` holds an entry for `version`.
    func hasStreamIndexEntry(forVersion version: UInt64) -> Bool {
        !chainsStreams || version % Self.streamCheckpointInterval == 0
    }

    /// The position stored for the event id `id`, looked up in both id tiers.
    func storedPosition(ofID id: UnsafeRawBufferPointer, in txn: Transaction) throws(StorageError) -> UInt64? {
        if let recentIDs, let value = try txn.get(recentIDs, id) { return bigEndianUInt64(value) }
        return try txn.get(ids, id).map { bigEndianUInt64($0) }
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

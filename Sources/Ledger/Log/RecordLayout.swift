/// The byte layout of a stored record, record formats 1 and 2.
///
/// All integers are little-endian; see the "On-disk format" article. A record is a 64-byte
/// header, the variable fields in the order id, stream, type, metadata, payload, and the
/// 32-byte hash:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 1 | record format (1) |
/// | 1 | 1 | flags (0) |
/// | 2 | 2 | schema version |
/// | 4 | 2 | id length |
/// | 6 | 2 | stream length |
/// | 8 | 8 | type tag (FNV-1a 64 of the type name) |
/// | 16 | 8 | position |
/// | 24 | 8 | stream version |
/// | 32 | 8 | recordedAt (µs since epoch) |
/// | 40 | 8 | occurredAt (µs since epoch) |
/// | 48 | 2 | type length |
/// | 50 | 2 | metadata pair count |
/// | 52 | 4 | metadata length |
/// | 56 | 4 | payload length |
/// | 60 | 4 | reserved (0) |
///
/// Record format 2 is format 1 with 8 more bytes between the payload and the hash: the
/// position of the previous event of the same stream (`UInt64` little-endian, 0 for a stream's
/// first event), assigned by the ledger. Stores of format 2 hold records of format 2.
@usableFromInline
enum RecordLayout {
    /// The record format of store format 1.
    @usableFromInline static let formatVersion: UInt8 = 1
    /// The record format of store format 2: a trailer before the hash chains the stream.
    @usableFromInline static let chainedFormatVersion: UInt8 = 2
    /// Bytes of format 2's trailer: the previous position in the stream.
    @usableFromInline static let trailerSize = 8
    @usableFromInline static let headerSize = 64
    @usableFromInline static let hashSize = 32
    /// Header plus hash: the smallest possible record.
    @usableFromInline static let fixedSize = headerSize + hashSize

    @usableFromInline static let format = 0
    @usableFromInline static let flags = 1
    @usableFromInline static let schemaVersion = 2
    @usableFromInline static let idLength = 4
    @usableFromInline static let streamLength = 6
    @usableFromInline static let typeTag = 8
    @usableFromInline static let position = 16
    @usableFromInline static let streamVersion = 24
    @usableFromInline static let recordedAt = 32
    @usableFromInline static let occurredAt = 40
    @usableFromInline static let typeLength = 48
    @usableFromInline static let metadataCount = 50
    @usableFromInline static let metadataLength = 52
    @usableFromInline static let payloadLength = 56
    @usableFromInline static let reserved = 60

    /// Bytes 16..<40 (position, stream version, recordedAt) are assigned by the ledger when
    /// it appends; every other byte before the hash is the event's content. Two records hold
    /// the same event when their content bytes are equal.
    static let assignedFields = 16..<40

    /// Bytes after the payload and before the hash in a record of `format` (1 or 2).
    @inlinable @inline(__always)
    static func trailerBytes(format: UInt8) -> Int { format == chainedFormatVersion ? trailerSize : 0 }
}

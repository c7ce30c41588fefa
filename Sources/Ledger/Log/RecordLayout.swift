/// The byte layout of a stored record, format version 1.
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
@usableFromInline
enum RecordLayout {
    @usableFromInline static let formatVersion: UInt8 = 1
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
}

/// A stored record, read in place: a view of its bytes in the memory map.
///
/// `RecordView` is what a replay loop sees. Its header fields (position, type tag, times) are
/// read with one load each, and its variable fields are byte views, so a projection decodes
/// only what it uses. A view is valid only inside the closure that received it; copy what must
/// outlive it (``RecordedEvent/init(_:)`` copies everything).
public struct RecordView {
    /// The record's bytes, including the header and the trailing hash.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps `bytes` after checking that the header's lengths add up to exactly `bytes.count`.
    ///
    /// - Throws: ``RecordFormatError`` describing the first inconsistency.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(RecordFormatError) {
        guard bytes.count >= RecordLayout.fixedSize else { throw .tooShort(bytes.count) }
        let format = bytes[RecordLayout.format]
        guard format == RecordLayout.formatVersion || format == RecordLayout.chainedFormatVersion else {
            throw .unknownFormat(format)
        }
        self.bytes = bytes
        let expected = RecordLayout.fixedSize + RecordLayout.trailerBytes(format: format) + Int(idLength)
            + Int(streamLength) + Int(typeLength) + Int(metadataLength) + Int(payloadLength)
        guard expected == bytes.count else { throw .lengthMismatch(header: expected, stored: bytes.count) }
    }

    @inlinable @inline(__always)
    func load<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The tag of the event's type: compare it with ``EventTypeTag/init(_:)`` of a name.
    @inlinable public var typeTag: EventTypeTag { EventTypeTag(rawValue: load(RecordLayout.typeTag, as: UInt64.self)) }
    /// The record's position in the log, from 1.
    @inlinable public var position: UInt64 { load(RecordLayout.position, as: UInt64.self) }
    /// The record's version within its stream, from 1.
    @inlinable public var streamVersion: UInt64 { load(RecordLayout.streamVersion, as: UInt64.self) }
    /// When the event happened.
    @inlinable public var occurredAt: Timestamp { Timestamp(rawValue: load(RecordLayout.occurredAt, as: Int64.self)) }
    /// When the ledger stored the event.
    @inlinable public var recordedAt: Timestamp { Timestamp(rawValue: load(RecordLayout.recordedAt, as: Int64.self)) }
    /// The record format (byte 0): 1, or 2 in stores of format 2.
    @inlinable public var recordFormat: UInt8 { bytes[RecordLayout.format] }
    /// The position of the previous event of the same stream, or 0 when the event is its
    /// stream's first. Only records of format 2 hold it; for a record of format 1 it is 0
    /// (read a format 1 store's stream through ``Ledger/events(in:from:direction:)``).
    @inlinable public var previousPositionInStream: UInt64 {
        recordFormat == RecordLayout.chainedFormatVersion ? load(previousPositionOffset, as: UInt64.self) : 0
    }
    @inlinable var previousPositionOffset: Int { bytes.count - RecordLayout.hashSize - RecordLayout.trailerSize }
    /// The version of the event type's schema.
    @inlinable public var schemaVersion: UInt16 { load(RecordLayout.schemaVersion, as: UInt16.self) }

    @inlinable var idLength: UInt16 { load(RecordLayout.idLength, as: UInt16.self) }
    @inlinable var streamLength: UInt16 { load(RecordLayout.streamLength, as: UInt16.self) }
    @inlinable var typeLength: UInt16 { load(RecordLayout.typeLength, as: UInt16.self) }
    @inlinable var metadataCount: UInt16 { load(RecordLayout.metadataCount, as: UInt16.self) }
    @inlinable var metadataLength: UInt32 { load(RecordLayout.metadataLength, as: UInt32.self) }
    @inlinable var payloadLength: UInt32 { load(RecordLayout.payloadLength, as: UInt32.self) }

    @inlinable var idOffset: Int { RecordLayout.headerSize }
    @inlinable var streamOffset: Int { idOffset + Int(idLength) }
    @inlinable var typeOffset: Int { streamOffset + Int(streamLength) }
    @inlinable var metadataOffset: Int { typeOffset + Int(typeLength) }
    @inlinable var payloadOffset: Int { metadataOffset + Int(metadataLength) }

    @inlinable @inline(__always)
    func slice(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
    }

    /// The event id's UTF-8 bytes.
    @inlinable public var idBytes: UnsafeRawBufferPointer { slice(idOffset, Int(idLength)) }
    /// The stream name's UTF-8 bytes.
    @inlinable public var streamBytes: UnsafeRawBufferPointer { slice(streamOffset, Int(streamLength)) }
    /// The type name's UTF-8 bytes.
    @inlinable public var typeBytes: UnsafeRawBufferPointer { slice(typeOffset, Int(typeLength)) }
    /// The payload, as the appender encoded it.
    @inlinable public var payload: UnsafeRawBufferPointer { slice(payloadOffset, Int(payloadLength)) }
    /// The canonical bytes the hash covers: everything before the hash.
    @inlinable public var canonicalBytes: UnsafeRawBufferPointer { slice(0, bytes.count - RecordLayout.hashSize) }
    /// The record's stored hash.
    @inlinable public var hash: RecordHash { RecordHash(slice(bytes.count - RecordLayout.hashSize, RecordLayout.hashSize)) }

    /// The event id, copied into a `String`.
    public var id: String { String(decoding: idBytes, as: UTF8.self) }
    /// The stream name, copied into a `String`.
    public var stream: String { String(decoding: streamBytes, as: UTF8.self) }
    /// The type name, copied into a `String`.
    public var type: String { String(decoding: typeBytes, as: UTF8.self) }

    /// The metadata pairs, decoded.
    ///
    /// - Throws: ``RecordFormatError/badMetadata`` when the pairs do not fill the section.
    public func metadata() throws(RecordFormatError) -> [String: String] {
        var result: [String: String] = [:]
        var offset = metadataOffset
        let end = payloadOffset
        func field() throws(RecordFormatError) -> String {
            guard offset + 2 <= end else { throw .badMetadata }
            let length = Int(load(offset, as: UInt16.self))
            guard offset + 2 + length <= end else { throw .badMetadata }
            defer { offset += 2 + length }
            return String(decoding: slice(offset + 2, length), as: UTF8.self)
        }
        for _ in 0 ..< metadataCount {
            let key = try field()
            result[key] = try field()
        }
        guard offset == end else { throw .badMetadata }
        return result
    }

    /// Whether `other` holds the same event: equal bytes everywhere but the fields the ledger
    /// assigns on append (position, stream version, recordedAt, and in format 2 the previous
    /// position in the stream) and the hash. `other` is encoded in this record's format.
    func hasSameContent(as other: UnsafeRawBufferPointer) -> Bool {
        guard other.count == bytes.count else { return false }
        let end = bytes.count - RecordLayout.hashSize - RecordLayout.trailerBytes(format: recordFormat)
        let assigned = RecordLayout.assignedFields
        return bytes[0 ..< assigned.lowerBound].elementsEqual(other[0 ..< assigned.lowerBound])
            && bytes[assigned.upperBound ..< end].elementsEqual(other[assigned.upperBound ..< end])
    }
}

/// Why bytes are not a well-formed record.
public enum RecordFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer bytes than a header and a hash.
    case tooShort(Int)
    /// A record format this version of the library does not know.
    case unknownFormat(UInt8)
    /// The header's field lengths add up to another size than the stored one.
    case lengthMismatch(header: Int, stored: Int)
    /// The metadata section is not a sequence of length-prefixed pairs.
    case badMetadata

    /// What is wrong, in words.
    public var description: String {
        switch self {
        case .tooShort(let count): "record of \(count) bytes is shorter than its fixed part"
        case .unknownFormat(let format): "unknown record format \(format)"
        case .lengthMismatch(let header, let stored): "header gives \(header) bytes but \(stored) are stored"
        case .badMetadata: "metadata section is malformed"
        }
    }
}

/// How a ``NewEvent`` becomes a record: its size checked against the ledger's limits, then its
/// bytes written into a buffer the caller provides, with the ledger-assigned fields (position,
/// stream version, recordedAt, and in format 2 the previous position in the stream) and the
/// hash left as the buffer holds them.
///
/// The two steps are separate so that an append can size every record first and encode them
/// all into one buffer (``EncodedAppend``): no allocation per event.
enum RecordEncoding {
    /// The bytes `event` encodes to in `stream` (of `streamCount` UTF-8 bytes), in record format
    /// `format`, after checking it against `limits`.
    ///
    /// Cost: O(1) for native strings, plus one pass over the metadata.
    /// - Throws: ``LedgerError/invalidEvent(index:reason:)`` naming the broken limit, with `index`.
    static func size(of event: borrowing NewEvent, index: Int, streamCount: Int, limits: LedgerLimits, format: UInt8) throws(LedgerError) -> Int {
        func invalid(_ reason: String) -> LedgerError { .invalidEvent(index: index, reason: reason) }
        let idCount = event.id.utf8.count
        guard idCount > 0 else { throw invalid("event id is empty") }
        guard idCount <= LedgerLimits.maximumEventIDLength else {
            throw invalid("event id is \(idCount) bytes; at most \(LedgerLimits.maximumEventIDLength) allowed")
        }
        let typeCount = event.type.utf8.count
        guard typeCount > 0 else { throw invalid("event type is empty") }
        guard typeCount <= LedgerLimits.maximumTypeLength else {
            throw invalid("event type is \(typeCount) bytes; at most \(LedgerLimits.maximumTypeLength) allowed")
        }
        guard event.metadata.count <= LedgerLimits.maximumMetadataEntries else {
            throw invalid("\(event.metadata.count) metadata entries; at most \(LedgerLimits.maximumMetadataEntries) allowed")
        }
        var metadataLength = 0
        for (key, value) in event.metadata {
            guard key.utf8.count <= UInt16.max, value.utf8.count <= UInt16.max else {
                throw invalid("a metadata key or value exceeds 65535 bytes")
            }
            metadataLength += 4 + key.utf8.count + value.utf8.count
        }
        let size = RecordLayout.fixedSize + idCount + streamCount + typeCount + metadataLength + event.payload.count
        guard size <= limits.maximumEventSize else {
            throw invalid("event is \(size) bytes encoded; the ledger's maximum event size is \(limits.maximumEventSize)")
        }
        return size + RecordLayout.trailerBytes(format: format)
    }

    /// Writes `event` as a record of `stream` in record format `format` into `out`, which holds
    /// exactly the bytes ``size(of:index:streamCount:limits:format:)`` returned. Every byte is
    /// written but the fields the ledger assigns (position, stream version, recordedAt, the
    /// format-2 trailer) and the hash. Metadata is written with its keys in UTF-8 order.
    ///
    /// Cost: a copy of the event's bytes; allocates only to sort two or more metadata entries.
    static func encode(_ event: borrowing NewEvent, stream: String, typeTag: EventTypeTag, format: UInt8, into out: UnsafeMutableRawBufferPointer) {
        let base = out.baseAddress!
        let idCount = event.id.utf8.count
        let streamCount = stream.utf8.count
        let typeCount = event.type.utf8.count
        let payloadCount = event.payload.count
        let trailer = RecordLayout.trailerBytes(format: format)
        let metadataLength = out.count - RecordLayout.fixedSize - trailer - idCount - streamCount - typeCount - payloadCount
        base.storeBytes(of: format, toByteOffset: RecordLayout.format, as: UInt8.self)
        base.storeBytes(of: 0, toByteOffset: RecordLayout.flags, as: UInt8.self)
        base.storeBytes(of: event.schemaVersion.littleEndian, toByteOffset: RecordLayout.schemaVersion, as: UInt16.self)
        base.storeBytes(of: UInt16(idCount).littleEndian, toByteOffset: RecordLayout.idLength, as: UInt16.self)
        base.storeBytes(of: UInt16(streamCount).littleEndian, toByteOffset: RecordLayout.streamLength, as: UInt16.self)
        base.storeBytes(of: typeTag.rawValue.littleEndian, toByteOffset: RecordLayout.typeTag, as: UInt64.self)
        base.storeBytes(of: event.occurredAt.rawValue.littleEndian, toByteOffset: RecordLayout.occurredAt, as: Int64.self)
        base.storeBytes(of: UInt16(typeCount).littleEndian, toByteOffset: RecordLayout.typeLength, as: UInt16.self)
        base.storeBytes(of: UInt16(event.metadata.count).littleEndian, toByteOffset: RecordLayout.metadataCount, as: UInt16.self)
        base.storeBytes(of: UInt32(metadataLength).littleEndian, toByteOffset: RecordLayout.metadataLength, as: UInt32.self)
        base.storeBytes(of: UInt32(payloadCount).littleEndian, toByteOffset: RecordLayout.payloadLength, as: UInt32.self)
        base.storeBytes(of: 0, toByteOffset: RecordLayout.reserved, as: UInt32.self)
        var offset = RecordLayout.headerSize
        copy(event.id, to: base, at: &offset)
        copy(stream, to: base, at: &offset)
        copy(event.type, to: base, at: &offset)
        if event.metadata.count < 2 {
            for (key, value) in event.metadata { copy(key: key, value: value, to: base, at: &offset) }
        } else {
            for (key, value) in event.metadata.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                copy(key: key, value: value, to: base, at: &offset)
            }
        }
        event.payload.withUnsafeBytes { payload in
            if let source = payload.baseAddress { (base + offset).copyMemory(from: source, byteCount: payload.count) }
        }
    }

    /// Copies `string`'s UTF-8 bytes to `base + offset` and moves `offset` past them.
    @inline(__always)
    private static func copy(_ string: String, to base: UnsafeMutableRawPointer, at offset: inout Int) {
        let count = string.withUTF8Bytes { utf8 in
            if let source = utf8.baseAddress { (base + offset).copyMemory(from: source, byteCount: utf8.count) }
            return utf8.count
        }
        offset += count
    }

    /// Copies a metadata entry: key length, key, value length, value.
    @inline(__always)
    private static func copy(key: String, value: String, to base: UnsafeMutableRawPointer, at offset: inout Int) {
        base.storeBytes(of: UInt16(key.utf8.count).littleEndian, toByteOffset: offset, as: UInt16.self)
        offset += 2
        copy(key, to: base, at: &offset)
        base.storeBytes(of: UInt16(value.utf8.count).littleEndian, toByteOffset: offset, as: UInt16.self)
        offset += 2
        copy(value, to: base, at: &offset)
    }
}

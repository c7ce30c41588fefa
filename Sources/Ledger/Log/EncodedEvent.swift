/// A ``NewEvent`` checked against the ledger's limits and encoded as a record of the store's
/// record format with its ledger-assigned fields (position, stream version, recordedAt, and in
/// format 2 the previous position in the stream) and hash left zero.
///
/// Encoding happens in the appending task, before the write reaches the writer thread, so
/// concurrent appenders encode in parallel and the writer only copies bytes, patches three
/// fields and hashes.
struct EncodedEvent: Sendable {
    let id: String
    let bytes: [UInt8]

    /// Checks `event` against `limits` and encodes it for `stream` in record format `format`.
    ///
    /// - Throws: ``LedgerError/invalidEvent(index:reason:)`` naming the broken limit.
    init(_ event: NewEvent, index: Int, stream: String, limits: LedgerLimits, format: UInt8) throws(LedgerError) {
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
        let pairs = event.metadata.count < 2 ? Array(event.metadata) : event.metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var metadataLength = 0
        for (key, value) in pairs {
            guard key.utf8.count <= UInt16.max, value.utf8.count <= UInt16.max else {
                throw invalid("a metadata key or value exceeds 65535 bytes")
            }
            metadataLength += 4 + key.utf8.count + value.utf8.count
        }
        let streamCount = stream.utf8.count
        let size = RecordLayout.fixedSize + idCount + streamCount + typeCount + metadataLength + event.payload.count
        guard size <= limits.maximumEventSize else {
            throw invalid("event is \(size) bytes encoded; the ledger's maximum event size is \(limits.maximumEventSize)")
        }
        let total = size + RecordLayout.trailerBytes(format: format)

        var bytes = [UInt8](repeating: 0, count: total)
        bytes.withUnsafeMutableBytes { out in
            func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
                out.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
            }
            store(format, at: RecordLayout.format)
            store(event.schemaVersion, at: RecordLayout.schemaVersion)
            store(UInt16(idCount), at: RecordLayout.idLength)
            store(UInt16(streamCount), at: RecordLayout.streamLength)
            store(EventTypeTag(event.type).rawValue, at: RecordLayout.typeTag)
            store(event.occurredAt.rawValue, at: RecordLayout.occurredAt)
            store(UInt16(typeCount), at: RecordLayout.typeLength)
            store(UInt16(pairs.count), at: RecordLayout.metadataCount)
            store(UInt32(metadataLength), at: RecordLayout.metadataLength)
            store(UInt32(event.payload.count), at: RecordLayout.payloadLength)
            var offset = RecordLayout.headerSize
            func append(_ string: String) {
                var string = string
                string.withUTF8 { utf8 in
                    UnsafeMutableRawBufferPointer(rebasing: out[offset ..< offset + utf8.count]).copyMemory(from: UnsafeRawBufferPointer(utf8))
                    offset += utf8.count
                }
            }
            append(event.id)
            append(stream)
            append(event.type)
            for (key, value) in pairs {
                store(UInt16(key.utf8.count), at: offset)
                offset += 2
                append(key)
                store(UInt16(value.utf8.count), at: offset)
                offset += 2
                append(value)
            }
            event.payload.withUnsafeBytes { payload in
                UnsafeMutableRawBufferPointer(rebasing: out[offset ..< offset + payload.count]).copyMemory(from: payload)
            }
        }
        self.id = event.id
        self.bytes = bytes
    }

    /// Calls `body` with the id's UTF-8 bytes, read from the encoded record.
    @inline(__always)
    func withIDBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { raw in
            let count = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: RecordLayout.idLength, as: UInt16.self)))
            return try body(UnsafeRawBufferPointer(rebasing: raw[RecordLayout.headerSize ..< RecordLayout.headerSize + count]))
        }
    }
}

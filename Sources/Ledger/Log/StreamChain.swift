/// Reads a stream in a store of format 2, where each record holds the position of the
/// previous event of its stream, `heads` the last, and `streams` every 32nd
/// (``StoreLayout/streamCheckpointInterval``).
///
/// To reach version `v`, a read seeks the first checkpoint at or after `v` (or the stream's
/// head) and follows the chain back: at most 31 records past the ones it returns. Memory is
/// bounded by the chunk it returns.
struct StreamChain {
    let stream: [UInt8]
    let txn: Transaction
    let layout: StoreLayout

    /// Up to `limit` events from `version` in `direction`.
    ///
    /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` when a link of the chain or an
    ///   index entry points to a record of another stream or version.
    func read(from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        // A name no append accepts names no stream (and is no valid key to look up).
        guard limit > 0, !stream.isEmpty, stream.count <= LedgerLimits.maximumStreamNameLength,
              let head = try stream.withUnsafeBytes({ try txn.get(layout.heads, $0) }) else { return [] }
        let headVersion = bigEndianUInt64(head)
        let headPosition = bigEndianUInt64(head, at: 8)
        var events: [RecordedEvent] = []
        switch direction {
        case .forwards:
            let first = Swift.max(version, 1)
            guard first <= headVersion else { return [] }
            let last = Swift.min(headVersion, first + UInt64(limit) - 1)
            events.reserveCapacity(Int(last - first + 1))
            var (at, position) = try anchor(atLeast: last, head: (headVersion, headPosition))
            while at >= first {
                let record = try self.record(at: position, version: at)
                if at <= last { events.append(try RecordedEvent(record)) }
                position = record.previousPositionInStream
                at -= 1
            }
            events.reverse()
        case .backwards:
            guard version >= 1 else { return [] }
            let first = Swift.min(version, headVersion)
            var (at, position) = try anchor(atLeast: first, head: (headVersion, headPosition))
            while at >= 1 && events.count < limit {
                let record = try self.record(at: position, version: at)
                if at <= first { events.append(try RecordedEvent(record)) }
                position = record.previousPositionInStream
                at -= 1
            }
        }
        return events
    }

    /// The version and position of the first checkpoint at or after `version`, or the head.
    private func anchor(atLeast version: UInt64, head: (UInt64, UInt64)) throws -> (UInt64, UInt64) {
        let key = stream.withUnsafeBytes { StoreLayout.streamIndexKey($0, version: version) }
        return try txn.withCursor(layout.streams) { cursor in
            guard let entry = try key.withUnsafeBytes({ try cursor.seek(atLeast: $0) }),
                  entry.key.count == stream.count + 9, entry.key.starts(with: key.prefix(stream.count + 1)),
                  entry.value.count == 8
            else { return head }
            let found = bigEndianUInt64(entry.key, at: stream.count + 1)
            return found <= head.0 ? (found, bigEndianUInt64(entry.value)) : head
        }
    }

    /// The record at `position`, checked to be version `version` of this stream.
    private func record(at position: UInt64, version: UInt64) throws -> RecordView {
        guard position > 0, let bytes = try txn.get(layout.log, position: position) else {
            throw LedgerError.corruptRecord(position: position, reason: "the chain of stream version \(version) points past the log")
        }
        let record: RecordView
        do {
            record = try RecordView(validating: bytes)
        } catch {
            throw LedgerError.corruptRecord(position: position, reason: "\(error)")
        }
        guard record.streamVersion == version, record.streamBytes.elementsEqual(stream) else {
            throw LedgerError.corruptRecord(position: position, reason: "the stream chain expected version \(version) of another stream here")
        }
        return record
    }
}

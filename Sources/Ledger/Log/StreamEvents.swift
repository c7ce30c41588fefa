/// Which way to read a stream.
public enum ReadDirection: Sendable, Hashable {
    /// From older to newer events.
    case forwards
    /// From newer to older events.
    case backwards
}

/// The events of one stream, read lazily in chunks: what ``Ledger/events(in:from:direction:)``
/// returns.
public struct StreamEvents: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let ledger: Ledger
    let stream: String
    let start: UInt64
    let direction: ReadDirection

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(ledger: ledger, stream: Array(stream.utf8), next: start, direction: direction)
    }

    /// Iterates the stream's events in the chosen direction.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let ledger: Ledger
        let stream: [UInt8]
        var next: UInt64
        let direction: ReadDirection
        var buffer: [RecordedEvent] = []
        var index = 0
        var ended = false

        /// The next event, or `nil` past the stream's end (or start, reading backwards).
        ///
        /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` or ``LedgerError/storage(_:)``.
        public mutating func next() async throws -> RecordedEvent? {
            if index == buffer.count && !ended {
                buffer = try ledger.readStream(stream, from: next, direction: direction, limit: LogEvents.chunkSize)
                index = 0
                if let last = buffer.last {
                    switch direction {
                    case .forwards: next = last.streamVersion + 1
                    case .backwards: if last.streamVersion <= 1 { ended = true } else { next = last.streamVersion - 1 }
                    }
                } else {
                    ended = true
                }
            }
            guard index < buffer.count else { return nil }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

extension Ledger {
    /// The events of `stream` starting at `version`, forwards (from version 1 by default)
    /// or backwards (from the stream's last version by default).
    ///
    /// A stream that does not exist reads as empty. Cost: one read snapshot per 256 events;
    /// each event is copied out. In a store of format 2, one log lookup per event (each record
    /// names its stream predecessor) plus, per snapshot, one index lookup and up to 31 more
    /// records read to find the starting version; in a store of format 1, two lookups per event.
    public func events(in stream: String, from version: UInt64? = nil, direction: ReadDirection = .forwards) -> StreamEvents {
        let start = version ?? (direction == .forwards ? 1 : .max)
        return StreamEvents(ledger: self, stream: stream, start: start, direction: direction)
    }

    /// Up to `limit` events of `stream` from `version` in `direction`, copied out of one snapshot.
    func readStream(_ stream: [UInt8], from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        if layout.chainsStreams {
            return try read { txn in
                try StreamChain(stream: stream, txn: txn, layout: layout).read(from: version, direction: direction, limit: limit)
            }
        }
        return try read { txn in
            var events: [RecordedEvent] = []
            var positions: [UInt64] = []
            try txn.withCursor(layout.streams) { cursor in
                let startKey = stream.withUnsafeBytes { StoreLayout.streamIndexKey($0, version: version) }
                let prefix = stream + [0]
                func inStream(_ entry: Cursor.Entry) -> Bool {
                    entry.key.count == prefix.count + 8 && entry.key.starts(with: prefix)
                }
                var entry = try startKey.withUnsafeBytes { try cursor.seek(atLeast: $0) }
                if direction == .backwards {
                    if let found = entry, found.key.elementsEqual(startKey) {
                        // exact match: start here
                    } else {
                        entry = entry == nil ? try cursor.last() : try cursor.previous()
                    }
                }
                while let current = entry, inStream(current), positions.count < limit {
                    positions.append(bigEndianUInt64(current.value))
                    entry = direction == .forwards ? try cursor.next() : try cursor.previous()
                }
            }
            for position in positions {
                guard let event = try Self.recordedEvent(at: position, in: txn, layout: layout) else {
                    throw LedgerError.corruptRecord(position: position, reason: "stream index points past the log")
                }
                events.append(event)
            }
            return events
        }
    }
}

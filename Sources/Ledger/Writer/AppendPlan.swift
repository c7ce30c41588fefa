/// What one queued append will write, decided before anything is written.
///
/// Planning reads the stream heads and the id index inside the writer's transaction, so it
/// sees the appends committed before it and those earlier in the same group commit. If any
/// check fails it throws a ``LedgerError`` and the append writes nothing; otherwise
/// ``write(_:to:through:layout:chain:recordedAt:)`` cannot fail but for storage errors.
///
/// An *optimistic* plan skips the id look-up and lets the id index's no-overwrite insert
/// detect a stored id (one descent of the tree instead of two; in a store of format 2, plus a
/// look-up in the other id tier when it holds any ids). When it does, writing throws
/// ``OptimisticConflict`` and the writer redoes the whole group with careful plans, which
/// find retries and conflicts before writing. Only appends that reuse stored ids (retries,
/// re-run imports) pay for the second attempt.
struct AppendPlan {
    /// Per stream: its version before the append, and per event either its existing position
    /// (already stored with the same content) or `nil` (to be appended).
    struct StreamPlan {
        var version: UInt64
        /// The position of the stream's last event before the append (0 for a new stream).
        var lastPosition: UInt64
        var existing: [UInt64?]
        /// For an event repeating an earlier one of the same append: that event's index.
        var repeats: [Int: Int]
    }

    var streams: [StreamPlan] = []

    init(_ append: EncodedAppend, in transaction: Transaction, layout: StoreLayout, optimistic: Bool) throws {
        // An id repeated within the append: a careful plan finds it here; an optimistic one
        // leaves it to the id index's no-overwrite insert, like an id stored before.
        let tracksRepeats = !optimistic && (append.writes.count > 1 || (append.writes.first?.events.count ?? 0) > 1)
        var firstIndex: [String: (write: Int, event: Int)] = [:]
        if tracksRepeats { firstIndex.reserveCapacity(append.eventCount) }
        // A stream may appear in several entries: each later entry starts where the earlier
        // ones of this append leave the stream.
        var plannedVersions: [[UInt8]: UInt64] = [:]
        for (w, write) in append.writes.enumerated() {
            var (version, lastPosition) = try write.streamBytes.withUnsafeBytes { key in
                try transaction.get(layout.heads, key).map { (bigEndianUInt64($0), bigEndianUInt64($0, at: 8)) } ?? (0, 0)
            }
            if append.writes.count > 1, let planned = plannedVersions[write.streamBytes] { version = planned }
            var plan = StreamPlan(version: version, lastPosition: lastPosition, existing: [], repeats: [:])
            var appends = false
            if optimistic {
                // Every event is new until the id index's insert says otherwise, when writing.
                plan.existing = [UInt64?](repeating: nil, count: write.events.count)
                appends = !write.events.isEmpty
            } else {
                plan.existing.reserveCapacity(write.events.count)
            }
            for (e, event) in write.events.enumerated() where !optimistic {
                if tracksRepeats {
                    if let earlier = firstIndex[event.id] {
                        guard append.sameRecords(earlier.event, of: append.writes[earlier.write], e, of: write), earlier.write == w else {
                            throw LedgerError.invalidEvent(
                                index: write.first + e, reason: "event id \"\(event.id)\" appears earlier in the same append with other content")
                        }
                        plan.repeats[e] = earlier.event
                        plan.existing.append(nil)
                        continue
                    }
                    firstIndex[event.id] = (w, e)
                }
                let stored = try event.id.withUTF8Bytes { try layout.storedPosition(ofID: $0, in: transaction) }
                if let position = stored {
                    guard let bytes = try transaction.get(layout.log, position: position),
                          let record = try? RecordView(validating: bytes)
                    else { throw LedgerError.corruptRecord(position: position, reason: "id index points to a missing or malformed record") }
                    let same = append.withRecord(e, of: write) { record.hasSameContent(as: $0) }
                    guard same else { throw LedgerError.eventIDConflict(id: event.id, position: position) }
                    plan.existing.append(position)
                } else {
                    plan.existing.append(nil)
                    appends = true
                }
            }
            // An empty append checks its expectation (a way to assert a stream's version); one
            // made only of already stored events is a retry and does not.
            if (appends || write.events.isEmpty) && !write.expected.isSatisfied(byVersion: version) {
                // An optimistic plan cannot tell a refused append from a retry of stored events,
                // which succeeds whatever the version: let a careful plan decide.
                if optimistic && !write.events.isEmpty { throw OptimisticConflict() }
                throw LedgerError.wrongExpectedVersion(stream: write.stream, expected: write.expected, actual: version)
            }
            if append.writes.count > 1 {
                let stored = plan.existing.lazy.filter { $0 == nil }.count - plan.repeats.count
                plannedVersions[write.streamBytes] = version + UInt64(stored)
            }
            streams.append(plan)
        }
    }

    /// Writes the planned records and index entries through `cursors`, extending `chain`.
    ///
    /// - Throws: ``OptimisticConflict`` when an optimistic plan meets a stored id; storage errors.
    func write(
        _ append: EncodedAppend, to transaction: Transaction, through cursors: borrowing AppendCursors,
        layout: StoreLayout, chain: inout Chain, recordedAt: Timestamp
    ) throws -> [AppendResult] {
        var results: [AppendResult] = []
        results.reserveCapacity(append.writes.count)
        // The last position written per stream, for streams appearing in several entries.
        var writtenLast: [[UInt8]: UInt64] = [:]
        for (write, plan) in zip(append.writes, streams) {
            var version = plan.version
            var positions = [UInt64](repeating: 0, count: write.events.count)
            var lastPosition: UInt64 = 0
            var previous = append.writes.count > 1 ? writtenLast[write.streamBytes] ?? plan.lastPosition : plan.lastPosition
            // Events of one entry are often of one type: its tag is computed once per run.
            var lastType = ""  // never a valid type
            var typeTag = EventTypeTag(rawValue: 0)
            for e in write.events.indices {
                if let position = plan.existing[e] {
                    positions[e] = position
                    continue
                }
                if !plan.repeats.isEmpty, let earlier = plan.repeats[e] {
                    positions[e] = positions[earlier]
                    continue
                }
                if write.events[e].type != lastType {
                    lastType = write.events[e].type
                    typeTag = EventTypeTag(lastType)
                }
                let position = chain.head + 1
                version += 1
                chain.hash = try appendRecord(
                    e, of: write, in: append, typeTag: typeTag, position: position, version: version, previous: previous,
                    recordedAt: recordedAt, after: chain.hash, to: cursors.log, chained: layout.chainsStreams)
                try withBigEndianBytes(of: position) { value in
                    if layout.hasStreamIndexEntry(forVersion: version) {
                        try write.streamBytes.withUnsafeBytes { stream in
                            try StoreLayout.withStreamIndexKey(stream, version: version) { try cursors.streams.put($0, value) }
                        }
                    }
                    try write.events[e].id.withUTF8Bytes { id in
                        do {
                            try cursors.ids.put(id, value, .noOverwrite)
                        } catch let error as StorageError where error.code == .keyExists {
                            throw OptimisticConflict()
                        }
                        if let other = cursors.otherIDs, try transaction.get(other, id) != nil { throw OptimisticConflict() }
                    }
                }
                previous = position
                chain.head = position
                lastPosition = position
                positions[e] = position
            }
            if lastPosition != 0 {
                if append.writes.count > 1 { writtenLast[write.streamBytes] = lastPosition }
                var head = StoreLayout.headValue(version: version, position: lastPosition)
                try withUnsafeBytes(of: &head) { value in
                    try write.streamBytes.withUnsafeBytes { try cursors.heads.put($0, value) }
                }
            }
            results.append(AppendResult(stream: write.stream, positions: positions, streamVersion: version))
        }
        return results
    }

    /// Encodes event `e` of `write` straight into a reserved log entry, fills in the assigned
    /// fields (with the stream's `previous` position when the record format is `chained`) and
    /// chains it.
    private func appendRecord(
        _ e: Int, of write: EncodedAppend.Write, in append: EncodedAppend, typeTag: EventTypeTag, position: UInt64,
        version: UInt64, previous: UInt64, recordedAt: Timestamp, after previousHash: RecordHash,
        to log: borrowing WriteCursor, chained: Bool
    ) throws -> RecordHash {
        var hash = previousHash
        try withBigEndianBytes(of: position) { key in
            try log.put(key, reserving: append.recordSize(e, of: write), .append) { out in
                append.encode(e, of: write, typeTag: typeTag, into: out)
                out.storeBytes(of: position.littleEndian, toByteOffset: RecordLayout.position, as: UInt64.self)
                out.storeBytes(of: version.littleEndian, toByteOffset: RecordLayout.streamVersion, as: UInt64.self)
                out.storeBytes(of: recordedAt.rawValue.littleEndian, toByteOffset: RecordLayout.recordedAt, as: Int64.self)
                let end = out.count - RecordLayout.hashSize
                if chained {
                    out.storeBytes(of: previous.littleEndian, toByteOffset: end - RecordLayout.trailerSize, as: UInt64.self)
                }
                let canonical = UnsafeRawBufferPointer(rebasing: out[0 ..< end])
                hash = HashChain.hash(after: previousHash, canonical: canonical)
                hash.withUnsafeBytes { digest in
                    UnsafeMutableRawBufferPointer(rebasing: out[(out.count - RecordLayout.hashSize)...]).copyMemory(from: digest)
                }
            }
        }
        return hash
    }
}

/// An optimistic plan met an id that is already stored: the group must be redone carefully.
struct OptimisticConflict: Error {}

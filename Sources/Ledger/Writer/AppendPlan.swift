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
    /// With a `hasher` and at least ``ChainHasher/minimumRecords`` new records, the records
    /// (encoded by the appending task) are completed and hashed on the hasher's thread while
    /// this one stores them; otherwise each is encoded and hashed here, straight into its log
    /// entry.
    ///
    /// The append's index entries are all written before its records, and the records one
    /// after the other: LMDB gives each page a transaction dirties the lowest free page, so the
    /// log's new leaves then take neighbouring pages instead of every tenth one among the id
    /// index's pages, and a later scan in log order reads the file more nearly front to back.
    /// The index entries need only the ids and the assigned positions, so the hasher works on
    /// the records meanwhile.
    ///
    /// - Throws: ``OptimisticConflict`` when an optimistic plan meets a stored id; storage errors.
    func write(
        _ append: EncodedAppend, to transaction: Transaction, through cursors: borrowing AppendCursors,
        layout: StoreLayout, chain: inout Chain, recordedAt: Timestamp, hasher: ChainHasher? = nil
    ) throws -> [AppendResult] {
        let assignments = RecordAssignments(append, plan: self, after: chain.head)
        let ahead = assignments.records.count >= ChainHasher.minimumRecords ? hasher : nil
        ahead?.begin(ChainHasher.Job(
            append: append, assignments: assignments, recordedAt: recordedAt, previousHash: chain.hash, chained: layout.chainsStreams))
        defer { ahead?.end() }
        var results: [AppendResult] = []
        results.reserveCapacity(append.writes.count)
        for (write, assigned) in zip(append.writes, assignments.writes) {
            for k in assigned.records {
                let record = assignments.records[k]
                try write.events[record.event].id.withUTF8Bytes { id in
                    try index(record, id: id, of: write, in: transaction, through: cursors, layout: layout)
                }
            }
            if let last = assigned.records.last {
                var head = StoreLayout.headValue(version: assigned.version, position: assignments.records[last].position)
                try withUnsafeBytes(of: &head) { value in
                    try write.streamBytes.withUnsafeBytes { try cursors.heads.put($0, value) }
                }
            }
            results.append(AppendResult(stream: write.stream, positions: assigned.positions, streamVersion: assigned.version))
        }
        for (write, assigned) in zip(append.writes, assignments.writes) {
            for k in assigned.records {
                let record = assignments.records[k]
                let size = append.recordSize(record.event, of: write)
                if let ahead {
                    let encoded = ahead.record(k)
                    assert(encoded.elementsEqual(Self.encode(record, of: write, in: append, recordedAt: recordedAt, after: chain.hash, chained: layout.chainsStreams)),
                           "record \(k) as hashed ahead differs from the writer's encoding")
                    try withBigEndianBytes(of: record.position) { key in
                        try cursors.log.put(key, reserving: size, .append) { $0.copyMemory(from: encoded) }
                    }
                    chain.hash = RecordHash(UnsafeRawBufferPointer(rebasing: encoded[(size - RecordLayout.hashSize)...]))
                } else {
                    try withBigEndianBytes(of: record.position) { key in
                        try cursors.log.put(key, reserving: size, .append) { out in
                            chain.hash = Self.encode(record, of: write, in: append, recordedAt: recordedAt, after: chain.hash, chained: layout.chainsStreams, into: out)
                        }
                    }
                }
                chain.head = record.position
            }
        }
        return results
    }

    /// Writes `record`'s index entries: its stream's (every ``StoreLayout`` interval of
    /// versions) and its id's.
    ///
    /// - Throws: ``OptimisticConflict`` when `id` is already stored; storage errors.
    @inline(__always)
    private func index(
        _ record: RecordAssignments.Record, id: UnsafeRawBufferPointer, of write: EncodedAppend.Write, in transaction: Transaction,
        through cursors: borrowing AppendCursors, layout: StoreLayout
    ) throws {
        try withBigEndianBytes(of: record.position) { value in
            if layout.hasStreamIndexEntry(forVersion: record.version) {
                try write.streamBytes.withUnsafeBytes { stream in
                    try StoreLayout.withStreamIndexKey(stream, version: record.version) { try cursors.streams.put($0, value) }
                }
            }
            do {
                try cursors.ids.put(id, value, .noOverwrite)
            } catch let error as StorageError where error.code == .keyExists {
                throw OptimisticConflict()
            }
            if let other = cursors.otherIDs, try transaction.get(other, id) != nil { throw OptimisticConflict() }
        }
    }

    /// Encodes `record` into `out` (its exact size) with its assigned fields, chains it after
    /// `previousHash` and stores the hash in it; returns the hash.
    @inline(__always)
    private static func encode(
        _ record: RecordAssignments.Record, of write: EncodedAppend.Write, in append: EncodedAppend, recordedAt: Timestamp,
        after previousHash: RecordHash, chained: Bool, into out: UnsafeMutableRawBufferPointer
    ) -> RecordHash {
        append.encode(record.event, of: write, typeTag: record.typeTag, into: out)
        record.fill(out, recordedAt: recordedAt, chained: chained)
        let end = out.count - RecordLayout.hashSize
        let hash = HashChain.hash(after: previousHash, canonical: UnsafeRawBufferPointer(rebasing: out[0 ..< end]))
        hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[end...]).copyMemory(from: $0) }
        return hash
    }

    /// `record` encoded and chained as ``encode(_:of:in:recordedAt:after:chained:into:)``
    /// does, in an array (for checks in debug builds).
    private static func encode(
        _ record: RecordAssignments.Record, of write: EncodedAppend.Write, in append: EncodedAppend, recordedAt: Timestamp,
        after previousHash: RecordHash, chained: Bool
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: append.recordSize(record.event, of: write))
        bytes.withUnsafeMutableBytes { _ = encode(record, of: write, in: append, recordedAt: recordedAt, after: previousHash, chained: chained, into: $0) }
        return bytes
    }
}

/// An optimistic plan met an id that is already stored: the group must be redone carefully.
struct OptimisticConflict: Error {}

/// What an append's new records are assigned — position, stream version, the previous position
/// in the stream — decided from its ``AppendPlan`` before any record is written, so that their
/// hash chain can be computed ahead of the writing (``ChainHasher``).
///
/// Cost: one pass over the append's events (a type tag computed per run of one type) and three
/// allocations per append (the records, the per-entry results, their positions), none per event.
struct RecordAssignments: Sendable {
    /// One new record.
    struct Record: Sendable {
        /// The entry of the append (``EncodedAppend/writes``) and the event within it.
        let write: Int
        let event: Int
        /// The tag of the event's type.
        let typeTag: EventTypeTag
        /// Where the record lies in the append's records (``EncodedAppend/recordRange(_:of:)``).
        let range: Range<Int>
        let position: UInt64
        let version: UInt64
        /// The position of the stream's event before this one (0 for a stream's first).
        let previous: UInt64

        /// Writes the fields the ledger assigns into `record`, an encoded record of
        /// ``RecordEncoding``, leaving its hash as it is.
        @inline(__always)
        func fill(_ record: UnsafeMutableRawBufferPointer, recordedAt: Timestamp, chained: Bool) {
            record.storeBytes(of: position.littleEndian, toByteOffset: RecordLayout.position, as: UInt64.self)
            record.storeBytes(of: version.littleEndian, toByteOffset: RecordLayout.streamVersion, as: UInt64.self)
            record.storeBytes(of: recordedAt.rawValue.littleEndian, toByteOffset: RecordLayout.recordedAt, as: Int64.self)
            if chained {
                let end = record.count - RecordLayout.hashSize
                record.storeBytes(of: previous.littleEndian, toByteOffset: end - RecordLayout.trailerSize, as: UInt64.self)
            }
        }
    }

    /// One entry of the append: its new records (a range of ``records``), the position of
    /// each of its events (new or already stored), and the stream's version after it.
    struct Write: Sendable {
        let records: Range<Int>
        let positions: [UInt64]
        let version: UInt64
    }

    /// The new records, in log order.
    private(set) var records: [Record] = []
    /// Per entry of the append, in order.
    private(set) var writes: [Write] = []

    /// Assigns positions after `head` to the events `plan` appends, in order: an event
    /// already stored keeps its position, and one repeating an earlier event of the same
    /// entry gets that event's.
    init(_ append: EncodedAppend, plan: AppendPlan, after head: UInt64) {
        records.reserveCapacity(append.eventCount)
        writes.reserveCapacity(append.writes.count)
        // The last position assigned per stream, for streams appearing in several entries.
        var assignedLast: [[UInt8]: UInt64] = [:]
        var head = head
        var tags = EventTypeTagRuns()
        for (w, (write, stream)) in zip(append.writes, plan.streams).enumerated() {
            var version = stream.version
            var positions = [UInt64](repeating: 0, count: write.events.count)
            var previous = append.writes.count > 1 ? assignedLast[write.streamBytes] ?? stream.lastPosition : stream.lastPosition
            let first = records.count
            for e in write.events.indices {
                if let position = stream.existing[e] {
                    positions[e] = position
                } else if !stream.repeats.isEmpty, let earlier = stream.repeats[e] {
                    positions[e] = positions[earlier]
                } else {
                    head += 1
                    version += 1
                    records.append(Record(
                        write: w, event: e, typeTag: tags.tag(of: write.events[e].type), range: append.recordRange(e, of: write), position: head, version: version,
                        previous: previous))
                    previous = head
                    positions[e] = head
                }
            }
            if records.count > first && append.writes.count > 1 { assignedLast[write.streamBytes] = head }
            writes.append(Write(records: first ..< records.count, positions: positions, version: version))
        }
    }
}

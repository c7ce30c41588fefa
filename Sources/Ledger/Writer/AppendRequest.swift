/// Events for one stream inside an atomic append, with the stream's expected version.
public struct StreamAppend: Sendable {
    /// The stream to append to.
    public var stream: String
    /// The events, in order.
    public var events: [NewEvent]
    /// The state the stream must be in.
    public var expected: ExpectedVersion

    /// Describes an append of `events` to `stream`, expecting `expected`.
    public init(_ events: [NewEvent], to stream: String, expecting expected: ExpectedVersion = .any) {
        self.stream = stream
        self.events = events
        self.expected = expected
    }
}

/// What one stream's append produced.
public struct AppendResult: Sendable, Hashable {
    /// The stream appended to.
    public var stream: String
    /// The log position of each event, in the order given. An event that was already stored
    /// with the same content keeps its original position.
    public var positions: [UInt64]
    /// The stream's version after the append.
    public var streamVersion: UInt64

    /// Creates a result (for tests and for wrappers that report appends).
    public init(stream: String, positions: [UInt64], streamVersion: UInt64) {
        self.stream = stream
        self.positions = positions
        self.streamVersion = streamVersion
    }
}

/// A validated append as the writer receives it: every event checked against the ledger's
/// limits and its record's size computed, in the appending task. The writer encodes each
/// event straight into its log entry (``encode(_:of:typeTag:into:)``): no buffer in between.
/// An append large enough to be chained ahead of the writer (``ChainHasher``) is encoded in
/// the appending task instead (``encodeRecords(into:)``), and completed by the hasher.
///
/// Events are numbered across entries from 0 (the index an ``LedgerError/invalidEvent(index:reason:)``
/// names).
struct EncodedAppend: Sendable {
    struct Write: Sendable {
        let stream: String
        let streamBytes: [UInt8]
        let expected: ExpectedVersion
        let events: [NewEvent]
        /// The number of this entry's first event in the append.
        let first: Int
    }

    let writes: [Write]
    /// The record format events are encoded in.
    let format: UInt8
    /// Record `i` is `offsets[i + 1] - offsets[i]` bytes.
    private let offsets: [Int]
    /// For a large append, its records encoded end to end at ``offsets`` by
    /// ``encodeRecords(into:)`` (assigned fields and hash left to the ``ChainHasher``).
    private(set) var records: RecordBytes?

    /// Validates `appends` and sizes their records in record format `format`.
    ///
    /// Cost: one pass over the events (O(1) per string, one pass over each event's
    /// metadata) and two allocations per append, none per event.
    /// - Throws: ``LedgerError/invalidStream(reason:)`` or ``LedgerError/invalidEvent(index:reason:)``.
    init(_ appends: [StreamAppend], limits: LedgerLimits, format: UInt8) throws(LedgerError) {
        var writes: [Write] = []
        writes.reserveCapacity(appends.count)
        var offsets: [Int] = []
        offsets.reserveCapacity(appends.reduce(1) { $0 + $1.events.count })
        offsets.append(0)
        var end = 0
        for append in appends {
            try LedgerLimits.validate(stream: append.stream)
            let first = offsets.count - 1
            let streamCount = append.stream.utf8.count
            // By index, not `for event in`: the loop's element would be a copy, retaining and
            // releasing the event's metadata and payload (a tenth of a large append's time).
            for e in append.events.indices {
                end += try RecordEncoding.size(
                    of: append.events[e], index: offsets.count - 1, streamCount: streamCount, limits: limits, format: format)
                offsets.append(end)
            }
            writes.append(Write(
                stream: append.stream, streamBytes: Array(append.stream.utf8), expected: append.expected,
                events: append.events, first: first))
        }
        self.writes = writes
        self.format = format
        self.offsets = offsets
    }

    var eventCount: Int { offsets.count - 1 }

    /// The bytes of all the append's records.
    var byteCount: Int { offsets.last ?? 0 }

    /// Where the record of event `e` of `write` lies in ``records``.
    @inline(__always)
    func recordRange(_ e: Int, of write: Write) -> Range<Int> {
        offsets[write.first + e] ..< offsets[write.first + e + 1]
    }

    /// Encodes every event into `bytes` (at least ``byteCount`` of them), at ``offsets``,
    /// and keeps them as ``records``: all but the assigned fields and the hash.
    ///
    /// Cost: one pass over the events, a type tag computed per run of one type; no allocation
    /// but to sort two or more metadata entries.
    mutating func encodeRecords(into bytes: RecordBytes) {
        var tags = EventTypeTagRuns()
        for write in writes {
            for e in write.events.indices {
                RecordEncoding.encode(write.events[e], stream: write.stream, typeTag: tags.tag(of: write.events[e].type), format: format,
                                      into: UnsafeMutableRawBufferPointer(rebasing: bytes.bytes[recordRange(e, of: write)]))
            }
        }
        records = bytes
    }

    /// The size of event `e` of `write`'s record.
    @inline(__always)
    func recordSize(_ e: Int, of write: Write) -> Int {
        offsets[write.first + e + 1] - offsets[write.first + e]
    }

    /// Encodes event `e` of `write` into `out`, which holds ``recordSize(_:of:)`` bytes, with
    /// the assigned fields and the hash left as `out` holds them.
    @inline(__always)
    func encode(_ e: Int, of write: Write, typeTag: EventTypeTag, into out: UnsafeMutableRawBufferPointer) {
        RecordEncoding.encode(write.events[e], stream: write.stream, typeTag: typeTag, format: format, into: out)
    }

    /// Calls `body` with event `e` of `write` encoded, assigned fields and hash zero.
    ///
    /// Cost: allocates the record; for plans that compare an event with a stored one.
    func withRecord<T>(_ e: Int, of write: Write, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        var bytes = [UInt8](repeating: 0, count: recordSize(e, of: write))
        bytes.withUnsafeMutableBytes { encode(e, of: write, typeTag: EventTypeTag(write.events[e].type), into: $0) }
        return try bytes.withUnsafeBytes { try body($0) }
    }

    /// Whether event `a` of `first` and event `b` of `second` encode to the same record.
    func sameRecords(_ a: Int, of first: Write, _ b: Int, of second: Write) -> Bool {
        withRecord(a, of: first) { one in withRecord(b, of: second) { other in one.elementsEqual(other) } }
    }
}

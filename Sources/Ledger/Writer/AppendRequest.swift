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

/// A validated, encoded append as the writer thread receives it: every record of every entry
/// back to back in one buffer, in the order they are to be stored.
///
/// Records are numbered across entries from 0 (the index an ``LedgerError/invalidEvent(index:reason:)``
/// names). Encoding happens in the appending task, so concurrent appenders encode in parallel
/// and the writer only copies bytes, patches the assigned fields and hashes.
struct EncodedAppend: Sendable {
    struct Write: Sendable {
        let stream: String
        let streamBytes: [UInt8]
        let expected: ExpectedVersion
        /// The numbers of this entry's records.
        let events: Range<Int>
    }

    let writes: [Write]
    /// The records, back to back.
    private let bytes: [UInt8]
    /// Record `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    private let offsets: [Int]

    /// Validates and encodes `appends` in record format `format`.
    ///
    /// Cost: two passes over the events and three allocations per append (the buffer, the
    /// offsets, the entries), none per event unless it has two or more metadata entries.
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
            for event in append.events {
                end += try RecordEncoding.size(of: event, index: offsets.count - 1, streamCount: streamCount, limits: limits, format: format)
                offsets.append(end)
            }
            writes.append(Write(
                stream: append.stream, streamBytes: Array(append.stream.utf8), expected: append.expected,
                events: first ..< offsets.count - 1))
        }
        var bytes = [UInt8](repeating: 0, count: end)
        bytes.withUnsafeMutableBytes { out in
            var index = 0
            // Events of one append are often of one type: its tag is computed once per run.
            var lastType = ""  // never a valid type
            var lastTag = EventTypeTag(rawValue: 0)
            for append in appends {
                let events = append.events
                for e in events.indices {
                    if events[e].type != lastType {
                        lastType = events[e].type
                        lastTag = EventTypeTag(lastType)
                    }
                    let record = UnsafeMutableRawBufferPointer(rebasing: out[offsets[index] ..< offsets[index + 1]])
                    RecordEncoding.encode(events[e], stream: append.stream, typeTag: lastTag, format: format, into: record)
                    index += 1
                }
            }
        }
        self.writes = writes
        self.bytes = bytes
        self.offsets = offsets
    }

    var eventCount: Int { offsets.count - 1 }

    /// Calls `body` with record `index`'s bytes.
    @inline(__always)
    func withRecord<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[offsets[index] ..< offsets[index + 1]]))
        }
    }

    /// Calls `body` with the UTF-8 bytes of record `index`'s id.
    @inline(__always)
    func withID<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try withRecord(index) { record in
            let count = Int(UInt16(littleEndian: record.loadUnaligned(fromByteOffset: RecordLayout.idLength, as: UInt16.self)))
            return try body(UnsafeRawBufferPointer(rebasing: record[RecordLayout.headerSize ..< RecordLayout.headerSize + count]))
        }
    }

    /// Record `index`'s id (allocates; for planning with look-ups and for errors).
    func id(_ index: Int) -> String {
        withID(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether records `a` and `b` hold the same bytes.
    func sameRecords(_ a: Int, _ b: Int) -> Bool {
        withRecord(a) { first in withRecord(b) { second in first.elementsEqual(second) } }
    }
}

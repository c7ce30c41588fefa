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

/// A validated, encoded append as the writer thread receives it.
struct EncodedAppend: Sendable {
    struct Write: Sendable {
        let stream: String
        let streamBytes: [UInt8]
        let expected: ExpectedVersion
        let events: [EncodedEvent]
    }

    let writes: [Write]

    /// Validates and encodes `appends` in record format `format`, in the appending task.
    init(_ appends: [StreamAppend], limits: LedgerLimits, format: UInt8) throws(LedgerError) {
        var writes: [Write] = []
        writes.reserveCapacity(appends.count)
        var index = 0
        for append in appends {
            try LedgerLimits.validate(stream: append.stream)
            var events: [EncodedEvent] = []
            events.reserveCapacity(append.events.count)
            for event in append.events {
                events.append(try EncodedEvent(event, index: index, stream: append.stream, limits: limits, format: format))
                index += 1
            }
            writes.append(Write(stream: append.stream, streamBytes: Array(append.stream.utf8), expected: append.expected, events: events))
        }
        self.writes = writes
    }

    var eventCount: Int { writes.reduce(0) { $0 + $1.events.count } }
}

import Ledger

/// Events gathered into one atomic ``Ledger/Ledger/append(_:)`` whose log order is the order
/// they were added in.
///
/// The ledger takes one ``StreamAppend`` per stream and gives the entries' events consecutive
/// positions, entry after entry; a stream may appear once. So an event joins the last entry
/// when it is of the same stream, opens a new entry when its stream is not in the batch yet,
/// and does not fit when its stream is in the batch but not last: adding it would put it
/// before events that came earlier.
struct AppendBatch {
    private(set) var appends: [StreamAppend] = []
    private(set) var count = 0
    private var streams: Set<String> = []
    let expected: ExpectedVersion

    init(expecting expected: ExpectedVersion = .any) {
        self.expected = expected
    }

    var isEmpty: Bool { count == 0 }

    /// Adds `event` if it keeps the order; returns `false`, adding nothing, otherwise.
    mutating func add(_ event: CareEvent) -> Bool {
        let stream = event.stream
        if let last = appends.indices.last, appends[last].stream == stream {
            appends[last].events.append(event.newEvent)
        } else {
            guard streams.insert(stream).inserted else { return false }
            appends.append(StreamAppend([event.newEvent], to: stream, expecting: expected))
        }
        count += 1
        return true
    }

    /// Empties the batch.
    mutating func removeAll() {
        appends.removeAll(keepingCapacity: true)
        streams.removeAll(keepingCapacity: true)
        count = 0
    }
}

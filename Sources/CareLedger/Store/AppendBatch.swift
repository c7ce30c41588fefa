import Ledger

/// Events gathered into one atomic ``Ledger/Ledger/append(_:)`` whose log order is the order
/// they were added in.
///
/// The ledger gives the entries' events consecutive positions, entry after entry, and a stream
/// may appear in several entries. So an event joins the last entry when it is of the same
/// stream and opens a new entry otherwise. With an expectation other than `.any` (which every
/// entry of a stream would have to meet) a stream may appear in one entry only: an event whose
/// stream is in the batch but not last does not fit.
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
            guard expected == .any || streams.insert(stream).inserted else { return false }
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

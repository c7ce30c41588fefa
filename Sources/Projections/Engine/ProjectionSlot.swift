import Ledger

/// One projection's state and progress inside a fold, behind a non-generic class so that a
/// fold over many projections of different types dispatches each event with one virtual
/// call, not an existential.
///
/// A slot is confined to one fold at a time; the engine guards live slots with its lock,
/// taken once per batch of events, never per event.
class ProjectionSlot: @unchecked Sendable {
    let name: String
    let version: UInt32
    let tags: [EventTypeTag]
    /// The last position folded (or skipped as uninteresting); 0 before any.
    var position: UInt64 = 0
    /// Set when the fold threw; the slot takes no more events until cleared.
    var failure: ProjectionFailure?
    /// Events between snapshots of this slot's state (0: none); set at registration.
    var snapshotInterval: UInt64 = 0

    init(name: String, version: UInt32, tags: [EventTypeTag]) {
        self.name = name
        self.version = version
        self.tags = tags
    }

    /// Whether a snapshot of this slot is due after the record at `position`.
    func snapshotIsDue(at position: UInt64) -> Bool {
        snapshotInterval > 0 && position % snapshotInterval == 0
    }

    /// Folds one record of a consumed type.
    func fold(_ record: RecordView) throws { preconditionFailure("abstract") }
    func prefetch(_ record: RecordView) {}
    /// The state as bytes.
    func encodedState() -> [UInt8] { preconditionFailure("abstract") }
    /// Replaces the state with one decoded from `bytes`, at `position`.
    func restore(_ bytes: UnsafeRawBufferPointer, position: UInt64) throws { preconditionFailure("abstract") }
    /// Back to the initial state at position 0, without failure.
    func reset() { preconditionFailure("abstract") }
    /// A new slot for the same projection, in its initial state.
    func makeFresh() -> ProjectionSlot { preconditionFailure("abstract") }
}

/// The slot of a projection of type `P`.
final class Slot<P: Projection>: ProjectionSlot, @unchecked Sendable {
    let projection: P
    /// The state lives behind a pointer the slot owns: an `inout` access to a class's stored
    /// property costs a dynamic exclusivity check on every event, a pointee does not.
    private let storage: UnsafeMutablePointer<P.State>

    var state: P.State {
        get { storage.pointee }
        set { storage.pointee = newValue }
    }

    init(_ projection: P) {
        self.projection = projection
        self.storage = .allocate(capacity: 1)
        storage.initialize(to: projection.initialState())
        super.init(name: projection.name, version: projection.version, tags: projection.eventTypes.map(EventTypeTag.init))
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    override func fold(_ record: RecordView) throws {
        try projection.apply(record, to: &storage.pointee)
    }

    override func prefetch(_ record: RecordView) {
        projection.prefetch(record, in: &storage.pointee)
    }

    override func encodedState() -> [UInt8] {
        var writer = ByteWriter()
        projection.encode(state, to: &writer)
        return writer.bytes
    }

    override func restore(_ bytes: UnsafeRawBufferPointer, position: UInt64) throws {
        var reader = ByteReader(bytes)
        let decoded = try projection.decode(from: &reader)
        guard reader.isAtEnd else { throw StateDecodingError(offset: reader.offset, reason: "trailing bytes") }
        state = decoded
        self.position = position
        failure = nil
    }

    override func reset() {
        state = projection.initialState()
        position = 0
        failure = nil
    }

    override func makeFresh() -> ProjectionSlot {
        let fresh = Slot(projection)
        fresh.snapshotInterval = snapshotInterval
        return fresh
    }
}

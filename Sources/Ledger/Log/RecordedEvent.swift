/// An event as stored in the ledger: the appended ``NewEvent`` plus what the ledger assigned.
///
/// A `RecordedEvent` owns copies of its fields; reading one allocates. Replay loops use
/// ``RecordView`` instead.
public struct RecordedEvent: Sendable, Hashable {
    /// The event's unique id.
    public var id: String
    /// The stream the event belongs to.
    public var stream: String
    /// The event's type name.
    public var type: String
    /// The version of the type's schema the payload follows.
    public var schemaVersion: UInt16
    /// When the event happened.
    public var occurredAt: Timestamp
    /// When the ledger stored it.
    public var recordedAt: Timestamp
    /// Context about the event.
    public var metadata: [String: String]
    /// The event's data.
    public var payload: [UInt8]
    /// Its position in the log, from 1, gap-free.
    public var position: UInt64
    /// Its version within its stream, from 1, gap-free.
    public var streamVersion: UInt64
    /// The hash chaining it to every record before it.
    public var hash: RecordHash

    /// Copies every field out of a record view.
    ///
    /// - Throws: ``RecordFormatError`` when the metadata section is malformed.
    public init(_ record: RecordView) throws(RecordFormatError) {
        id = record.id
        stream = record.stream
        type = record.type
        schemaVersion = record.schemaVersion
        occurredAt = record.occurredAt
        recordedAt = record.recordedAt
        metadata = try record.metadata()
        payload = Array(record.payload)
        position = record.position
        streamVersion = record.streamVersion
        hash = record.hash
    }
}

/// An event to append: what happened, before the ledger gives it a position.
///
/// The ledger treats `payload` as opaque bytes; the layer above chooses its encoding.
/// `metadata` holds context that is not the event itself (actor, correlation and causation ids,
/// source) and is stored with its keys sorted, so equal dictionaries give equal records.
public struct NewEvent: Sendable, Hashable {
    /// The event's unique id: 1–128 bytes of UTF-8. Appending an id that is already stored,
    /// with the same content, is a no-op.
    public var id: String
    /// The event's type name, 1–255 bytes of UTF-8.
    public var type: String
    /// The version of the type's schema the payload follows.
    public var schemaVersion: UInt16
    /// When the event happened, which need not be increasing along the log.
    public var occurredAt: Timestamp
    /// Context about the event, as string pairs.
    public var metadata: [String: String]
    /// The event's data, encoded by the caller.
    public var payload: [UInt8]

    /// Creates an event to append.
    public init(
        id: String, type: String, schemaVersion: UInt16 = 1, occurredAt: Timestamp,
        metadata: [String: String] = [:], payload: [UInt8]
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.metadata = metadata
        self.payload = payload
    }
}

public import Ledger

/// One action of the domain: an event of one of the ``CareEventType``s, validated against its
/// schema, ready to append or export.
///
/// A `CareEvent` always holds valid data: its initialisers check the event id, every field
/// of `data` (presence, kind, ids, vocabularies, ranges) and the metadata, and compute the
/// stored payload once. The rules that depend on what is already stored (an organisation
/// must have joined, a stage must move forwards) are checked when the event is appended.
public struct CareEvent: Sendable, Hashable {
    /// The event's unique id: 1–128 bytes, no control characters.
    public let id: String
    /// The event type.
    public let type: CareEventType
    /// When it happened (`at`), to the microsecond. May be earlier than events before it.
    public let occurredAt: Timestamp
    /// The event's data, in its schema's field order.
    public let data: JSONObject
    /// Metadata: actor, correlation and causation ids, source.
    public let metadata: [String: String]
    /// The id of the entity the event is about (the value of its schema's key field).
    public let entityID: String
    /// The stored payload (see <doc:EventPayloads>).
    public let payload: [UInt8]

    /// The stream of the entity the event is about: `<category>-<entity id>`.
    public var stream: String { type.schema.category + "-" + entityID }

    /// Creates an event, validating it.
    ///
    /// - Throws: ``EventDataError`` naming the first bad field.
    public init(
        id: String, type: CareEventType, occurredAt: Timestamp, data: JSONObject, metadata: [String: String] = [:]
    ) throws(EventDataError) {
        try CareEvent.validateEventID(id)
        try CareEvent.validateMetadata(metadata)
        let schema = type.schema
        let payload = try PayloadCodec.encode(data, as: schema)
        guard case .string(let entityID) = data[schema.keyField] else {
            preconditionFailure("PayloadCodec validated the key field")
        }
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.data = try PayloadCodec.decode(payload, as: schema)
        self.metadata = metadata
        self.entityID = entityID
        self.payload = payload
    }

    /// The event to hand to ``Ledger/Ledger/append(_:to:expecting:)``.
    public var newEvent: NewEvent {
        NewEvent(id: id, type: type.name, schemaVersion: type.schema.version, occurredAt: occurredAt,
                 metadata: metadata, payload: payload)
    }

    /// The longest event id, in UTF-8 bytes.
    public static let maximumEventIDLength = LedgerLimits.maximumEventIDLength

    /// The longest metadata key, in UTF-8 bytes.
    public static let maximumMetadataKeyLength = 255

    /// The longest metadata value, in UTF-8 bytes.
    public static let maximumMetadataValueLength = 4096

    static func validateEventID(_ id: String) throws(EventDataError) {
        let utf8 = id.utf8
        guard !utf8.isEmpty, utf8.count <= maximumEventIDLength, !utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw EventDataError(field: "id", problem: .invalidEventID)
        }
    }

    static func validateMetadata(_ metadata: [String: String]) throws(EventDataError) {
        guard metadata.count <= LedgerLimits.maximumMetadataEntries else {
            throw EventDataError(field: "meta", problem: .tooMany(maximum: LedgerLimits.maximumMetadataEntries))
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, key.utf8.count <= maximumMetadataKeyLength else {
                throw EventDataError(field: "meta", problem: .invalidText(maximumBytes: maximumMetadataKeyLength))
            }
            guard value.utf8.count <= maximumMetadataValueLength else {
                throw EventDataError(field: "meta.\(key)", problem: .invalidText(maximumBytes: maximumMetadataValueLength))
            }
        }
    }
}

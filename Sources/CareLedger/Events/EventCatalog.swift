public import Ledger

/// The schemas of every event type and version a store may hold, and the upcasters that turn
/// an old version's `data` into the current one.
///
/// Events are stored in the schema version that was current when they were appended, and
/// never rewritten (the hash chain forbids it). When a type's schema changes, its new version
/// becomes current, the old one stays registered, and an upcaster from each old version to the
/// next says how old data reads today. Readers then see every event in the current shape:
///
/// ```swift
/// var catalog = EventCatalog.careWare
/// catalog.register(feedbackV2, upcastingFrom: 1) { old in
///     var data = old
///     data["comment"] = .string("none")
///     return data
/// }
/// ```
///
/// Projections on the hot path call ``withCurrentPayload(of:_:)``: a record already in the
/// current version is handed over in place, an old one is decoded, upcast and re-encoded.
public struct EventCatalog: Sendable {
    /// Turns `data` of one schema version into `data` of the next.
    public typealias Upcaster = @Sendable (JSONObject) throws(EventDataError) -> JSONObject

    private var schemas: [String: [UInt16: EventSchema]] = [:]
    private var currentVersions: [String: UInt16] = [:]
    private var upcasters: [String: [UInt16: Upcaster]] = [:]
    @usableFromInline var currentVersionsByTag: [EventTypeTag: UInt16] = [:]

    /// The catalog of domain.md: version 1 of the eight event types.
    public static let careWare = EventCatalog(current: CareEventType.allCases.map(\.schema))

    /// A catalog whose current schemas are `current`.
    public init(current: [EventSchema]) {
        for schema in current {
            schemas[schema.type, default: [:]][schema.version] = schema
            currentVersions[schema.type] = schema.version
            currentVersionsByTag[EventTypeTag(schema.type)] = schema.version
        }
    }

    /// Makes `schema` its type's current version, with `upcaster` turning data of version
    /// `schema.version - 1` into it. The older version's schema must already be registered.
    public mutating func register(_ schema: EventSchema, upcastingFrom previous: UInt16, _ upcaster: @escaping Upcaster) {
        precondition(schemas[schema.type]?[previous] != nil, "register \(schema.type) v\(previous) before upcasting from it")
        precondition(previous == schema.version - 1, "an upcaster goes from one version to the next")
        schemas[schema.type, default: [:]][schema.version] = schema
        currentVersions[schema.type] = schema.version
        currentVersionsByTag[EventTypeTag(schema.type)] = schema.version
        upcasters[schema.type, default: [:]][previous] = upcaster
    }

    /// The current schema of the type named `type`, or `nil` when the catalog does not know it.
    public func currentSchema(for type: String) -> EventSchema? {
        guard let version = currentVersions[type] else { return nil }
        return schemas[type]?[version]
    }

    /// The schema of `type` at `version`, or `nil`.
    public func schema(for type: String, version: UInt16) -> EventSchema? {
        schemas[type]?[version]
    }

    /// Upcasts `data` of `type` at `version` to the current version.
    ///
    /// - Throws: ``EventDataError/Problem/unknownSchemaVersion(_:)`` when a step is missing, or
    ///   what an upcaster throws.
    public func upcast(_ data: JSONObject, type: String, from version: UInt16) throws(EventDataError) -> JSONObject {
        guard let current = currentVersions[type], version <= current else {
            throw EventDataError(field: "schemaVersion", problem: .unknownSchemaVersion(version))
        }
        var data = data
        var step = version
        while step < current {
            guard let upcaster = upcasters[type]?[step] else {
                throw EventDataError(field: "schemaVersion", problem: .unknownSchemaVersion(step))
            }
            data = try upcaster(data)
            step += 1
        }
        return data
    }

    /// The `data` of a stored record, in its type's current version.
    ///
    /// Cost: decodes the payload (allocates), and upcasts when the record is older.
    /// - Throws: ``EventDataError`` when the type or version is unknown or the payload corrupt.
    public func currentData(of record: RecordView) throws(EventDataError) -> JSONObject {
        let type = record.type
        let version = record.schemaVersion
        guard let schema = schema(for: type, version: version) else {
            throw EventDataError(field: currentVersions[type] == nil ? "type" : "schemaVersion",
                                 problem: currentVersions[type] == nil ? .unknownEventType : .unknownSchemaVersion(version))
        }
        let data = try PayloadCodec.decode(record.payload, as: schema)
        return try upcast(data, type: type, from: version)
    }

    /// Calls `body` with the record's payload in its type's current schema version.
    ///
    /// Cost: none for a record in the current version (the stored bytes are passed in place);
    /// an older record is decoded, upcast and re-encoded (allocates).
    /// - Throws: ``EventDataError`` as ``currentData(of:)``, or what `body` throws.
    @inlinable
    public func withCurrentPayload<R>(of record: RecordView, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        if currentVersionsByTag[record.typeTag] == record.schemaVersion {
            return try body(record.payload)
        }
        return try upcastedPayload(of: record).withUnsafeBytes { try body($0) }
    }

    @usableFromInline
    func upcastedPayload(of record: RecordView) throws -> [UInt8] {
        let type = record.type
        guard let schema = currentSchema(for: type) else {
            throw EventDataError(field: "type", problem: .unknownEventType)
        }
        return try PayloadCodec.encode(try currentData(of: record), as: schema)
    }
}

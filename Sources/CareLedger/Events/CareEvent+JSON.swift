public import Ledger

extension CareEvent {
    /// The members of an interchange line, in the order an export writes them.
    public static let lineKeys = ["id", "stream", "type", "at", "data", "meta"]

    /// Reads an event from one line of a JSON Lines file:
    /// `{"id", "stream", "type", "at", "data", "meta"?}`.
    ///
    /// - Throws: ``EventDataError`` naming the first bad member (`id`, `stream`, `at`,
    ///   `data.stage`, `meta.actor`, …). A `stream` other than the entity's is an error.
    public init(line: JSONValue) throws(EventDataError) {
        guard case .object(let object) = line else {
            throw EventDataError(field: "line", problem: .wrongKind(expected: "an object", found: line.kind.description))
        }
        for key in object.keys where !CareEvent.lineKeys.contains(key) {
            throw EventDataError(field: key, problem: .unknown)
        }
        let id = try CareEvent.string(object, "id")
        try CareEvent.validateEventID(id)
        let typeName = try CareEvent.string(object, "type")
        guard let type = CareEventType(name: typeName) else {
            throw EventDataError(field: "type", problem: .unknownEventType)
        }
        let stream = try CareEvent.string(object, "stream")
        let time: Timestamp
        do {
            time = try Timestamp(rfc3339: try CareEvent.string(object, "at"))
        } catch let error as RFC3339Error {
            throw EventDataError(field: "at", problem: .invalidTime(error.description))
        } catch {
            throw error as! EventDataError
        }
        guard let dataValue = object["data"] else { throw EventDataError(field: "data", problem: .missing) }
        guard case .object(let data) = dataValue else {
            throw EventDataError(field: "data", problem: .wrongKind(expected: "an object", found: dataValue.kind.description))
        }
        var metadata: [String: String] = [:]
        if let metaValue = object["meta"] {
            guard case .object(let meta) = metaValue else {
                throw EventDataError(field: "meta", problem: .wrongKind(expected: "an object", found: metaValue.kind.description))
            }
            for (key, value) in meta {
                guard case .string(let text) = value else {
                    throw EventDataError(field: "meta.\(key)", problem: .wrongKind(expected: "a string", found: value.kind.description))
                }
                metadata[key] = text
            }
        }
        try self.init(id: id, type: type, occurredAt: time, data: data, metadata: metadata)
        guard stream == self.stream else {
            throw EventDataError(field: "stream", problem: .streamMismatch(category: type.schema.category, keyField: type.schema.keyField))
        }
    }

    /// The event as one interchange line: `id`, `stream`, `type`, `at`, `data`, `meta` (always
    /// written, `{}` when empty, keys sorted).
    public var line: JSONValue {
        let meta = JSONObject(uniqueKeysWithValues: metadata.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        return .object([
            "id": .string(id),
            "stream": .string(stream),
            "type": .string(type.name),
            "at": .string(occurredAt.rfc3339 ?? RFC3339.format(RFC3339.latestFormattable)!),
            "data": .object(data),
            "meta": .object(meta),
        ])
    }

    /// Reads a stored record back as an event, its data upcast to the current schema version.
    ///
    /// - Throws: ``EventDataError`` when the record's type is not a domain type, its schema
    ///   version is unknown to ``EventCatalog/careWare``, or its payload does not decode.
    public init(record: RecordView) throws(EventDataError) {
        guard let type = CareEventType(tag: record.typeTag), type.name == record.type else {
            throw EventDataError(field: "type", problem: .unknownEventType)
        }
        let data = try EventCatalog.careWare.currentData(of: record)
        let metadata: [String: String]
        do {
            metadata = try record.metadata()
        } catch {
            throw EventDataError(field: "meta", problem: .corruptPayload(schemaVersion: record.schemaVersion))
        }
        try self.init(id: record.id, type: type, occurredAt: record.occurredAt, data: data, metadata: metadata)
    }

    private static func string(_ object: JSONObject, _ key: String) throws(EventDataError) -> String {
        guard let value = object[key] else { throw EventDataError(field: key, problem: .missing) }
        guard case .string(let text) = value else {
            throw EventDataError(field: key, problem: .wrongKind(expected: "a string", found: value.kind.description))
        }
        return text
    }
}

import Ledger

/// Converts an event's `data` between JSON and the compact binary payload stored in the ledger.
///
/// The payload holds the schema's fields in order, each in its kind's encoding (see
/// ``FieldKind``); an optional field is preceded by one byte, 1 when present and 0 when not.
/// There are no keys and no padding: a projection reads the fields it needs with a
/// ``PayloadReader`` in a few loads. Encoding validates; decoding checks every length against
/// the payload's end.
public enum PayloadCodec {
    /// Validates `data` against `schema` and encodes it.
    ///
    /// Cost: one pass over the fields; allocates the payload.
    /// - Throws: ``EventDataError`` naming the first bad field (`data.<name>`).
    public static func encode(_ data: JSONObject, as schema: EventSchema) throws(EventDataError) -> [UInt8] {
        for key in data.keys where schema.fieldIndex(named: key) == nil {
            throw EventDataError(field: "data.\(key)", problem: .unknown)
        }
        var payload: [UInt8] = []
        payload.reserveCapacity(64)
        for field in schema.fields {
            let path = "data.\(field.name)"
            guard let value = data[field.name] else {
                guard field.isOptional else { throw EventDataError(field: path, problem: .missing) }
                payload.append(0)
                continue
            }
            if field.isOptional { payload.append(1) }
            try encode(value, as: field.kind, path: path, into: &payload)
        }
        return payload
    }

    /// Decodes a payload written with `schema` into `data`, fields in schema order.
    ///
    /// Cost: decodes, then re-encodes to check that the bytes are exactly what ``encode(_:as:)``
    /// writes (allocates; not for hot paths — use ``PayloadReader`` there).
    /// - Throws: ``EventDataError/Problem/corruptPayload(schemaVersion:)`` when the bytes do not
    ///   decode (lengths past the end, codes outside a vocabulary, bytes left over) or decode to
    ///   data that would not validate (a bad id, empty text, invalid UTF-8).
    public static func decode(_ payload: UnsafeRawBufferPointer, as schema: EventSchema) throws(EventDataError) -> JSONObject {
        let corrupt = EventDataError(field: "payload", problem: .corruptPayload(schemaVersion: schema.version))
        var reader = PayloadReader(payload)
        var members: [(String, JSONValue)] = []
        members.reserveCapacity(schema.fields.count)
        do {
            for field in schema.fields {
                if field.isOptional, try reader.readPresence() == false { continue }
                members.append((field.name, try decodeValue(of: field.kind, from: &reader)))
            }
        } catch {
            throw corrupt
        }
        guard reader.isAtEnd else { throw corrupt }
        let data = JSONObject(uniqueKeysWithValues: members)
        // Only what `encode` writes is a payload: ids and text must also pass validation, and
        // text must be valid UTF-8 (decoding would silently repair it).
        guard let canonical = try? encode(data, as: schema), canonical.elementsEqual(payload) else { throw corrupt }
        return data
    }

    /// Decodes a payload held in an array.
    public static func decode(_ payload: [UInt8], as schema: EventSchema) throws(EventDataError) -> JSONObject {
        let result = payload.withUnsafeBytes { bytes in Result { () throws(EventDataError) in try decode(bytes, as: schema) } }
        return try result.get()
    }

    private static func encode(_ value: JSONValue, as kind: FieldKind, path: String, into payload: inout [UInt8]) throws(EventDataError) {
        switch kind {
        case .identifier:
            let text = try string(value, path: path)
            guard FieldKind.isValidIdentifier(text) else { throw EventDataError(field: path, problem: .invalidIdentifier) }
            payload.append(UInt8(text.utf8.count))
            payload.append(contentsOf: text.utf8)
        case .identifiers:
            guard case .array(let items) = value else {
                throw EventDataError(field: path, problem: .wrongKind(expected: "an array of ids", found: value.kind.description))
            }
            guard items.count <= FieldKind.maximumListCount else {
                throw EventDataError(field: path, problem: .tooMany(maximum: FieldKind.maximumListCount))
            }
            appendLittleEndian(UInt16(items.count), to: &payload)
            for (index, item) in items.enumerated() {
                try encode(item, as: .identifier, path: "\(path)[\(index)]", into: &payload)
            }
        case .text:
            let text = try string(value, path: path)
            let count = text.utf8.count
            guard count > 0, count <= FieldKind.maximumTextLength else {
                throw EventDataError(field: path, problem: .invalidText(maximumBytes: FieldKind.maximumTextLength))
            }
            appendLittleEndian(UInt16(count), to: &payload)
            payload.append(contentsOf: text.utf8)
        case .choice(let names):
            let text = try string(value, path: path)
            guard let code = names.firstIndex(of: text) else {
                throw EventDataError(field: path, problem: .notInVocabulary(names))
            }
            payload.append(UInt8(code))
        case .integer(let range):
            guard case .integer(let number) = value else {
                throw EventDataError(field: path, problem: .wrongKind(expected: "an integer", found: value.kind.description))
            }
            guard range.contains(number) else { throw EventDataError(field: path, problem: .outOfRange(range)) }
            appendLittleEndian(UInt64(bitPattern: number), to: &payload)
        }
    }

    private static func decodeValue(of kind: FieldKind, from reader: inout PayloadReader) throws(PayloadReader.Truncated) -> JSONValue {
        switch kind {
        case .identifier:
            return .string(String(decoding: try reader.readIdentifier(), as: UTF8.self))
        case .identifiers:
            let count = try reader.readCount()
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for _ in 0 ..< count { items.append(.string(String(decoding: try reader.readIdentifier(), as: UTF8.self))) }
            return .array(items)
        case .text:
            return .string(String(decoding: try reader.readText(), as: UTF8.self))
        case .choice(let names):
            let code = Int(try reader.readCode())
            guard code < names.count else { throw PayloadReader.Truncated() }
            return .string(names[code])
        case .integer(let range):
            let number = try reader.readInteger()
            guard range.contains(number) else { throw PayloadReader.Truncated() }
            return .integer(number)
        }
    }

    private static func string(_ value: JSONValue, path: String) throws(EventDataError) -> String {
        guard case .string(let text) = value else {
            throw EventDataError(field: path, problem: .wrongKind(expected: "a string", found: value.kind.description))
        }
        return text
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to payload: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { payload.append(contentsOf: $0) }
    }
}

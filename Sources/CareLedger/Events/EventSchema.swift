/// The shape of one version of one event type's `data`: its fields, in order, and the stream
/// its events belong to.
///
/// A schema is the single description the domain derives everything from: the validation of
/// an imported `data` object, the compact binary payload stored in the ledger (fields in
/// schema order, see <doc:EventPayloads>), and the decoding back to JSON for export. An old
/// schema version stays in an ``EventCatalog`` for as long as stored events use it.
public struct EventSchema: Sendable, Hashable {
    /// The event type's name, e.g. `IdeaAdvanced`.
    public var type: String
    /// The schema version, stored in each record's header. Starts at 1.
    public var version: UInt16
    /// The stream category: an event's stream is `<category>-<value of keyField>`.
    public var category: String
    /// The identifier field naming the entity the event is about.
    public var keyField: String
    /// The fields of `data`, in payload order.
    public var fields: [Field]

    /// Creates a schema; `keyField` must name a required ``FieldKind/identifier`` field.
    public init(type: String, version: UInt16, category: String, keyField: String, fields: [Field]) {
        precondition(
            fields.contains { $0.name == keyField && $0.kind == .identifier && !$0.isOptional },
            "the key field of \(type) v\(version) must be a required identifier field"
        )
        self.type = type
        self.version = version
        self.category = category
        self.keyField = keyField
        self.fields = fields
    }

    /// The index of the field named `name`, or `nil`.
    public func fieldIndex(named name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}

/// One field of an ``EventSchema``.
public struct Field: Sendable, Hashable {
    /// The key in `data`.
    public var name: String
    /// What the field holds.
    public var kind: FieldKind
    /// Whether `data` may leave it out (it is then absent, never `null`).
    public var isOptional: Bool

    /// A required field.
    public static func required(_ name: String, _ kind: FieldKind) -> Field {
        Field(name: name, kind: kind, isOptional: false)
    }

    /// A field `data` may leave out.
    public static func optional(_ name: String, _ kind: FieldKind) -> Field {
        Field(name: name, kind: kind, isOptional: true)
    }
}

/// The kinds of value a field may hold, with their validation rules and payload encodings.
public enum FieldKind: Sendable, Hashable {
    /// An entity id: 1–64 characters from `[A-Za-z0-9._:-]`. Payload: `u8` length, bytes.
    case identifier
    /// A list of entity ids, each as ``identifier`` (the rules decide whether it may be
    /// empty). Payload: `u16` count, then each id.
    case identifiers
    /// Free text, 1–4096 bytes of UTF-8. Payload: `u16` length, bytes.
    case text
    /// One of a fixed list of names. Payload: `u8` index into the list.
    case choice([String])
    /// An integer in a closed range. Payload: 8-byte little-endian two's complement.
    case integer(ClosedRange<Int64>)
}

extension FieldKind {
    /// The longest entity id, in characters (all ASCII, so also bytes).
    public static let maximumIdentifierLength = 64
    /// The longest text, in UTF-8 bytes.
    public static let maximumTextLength = 4096
    /// The longest identifier list.
    public static let maximumListCount = Int(UInt16.max)

    /// Whether `text` is a valid entity id.
    public static func isValidIdentifier(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maximumIdentifierLength else { return false }
        return utf8.allSatisfy(isIdentifierByte)
    }

    /// Whether `byte` may appear in an entity id.
    @inlinable
    public static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "a") ... UInt8(ascii: "z"),
             UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: ":"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

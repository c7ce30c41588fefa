/// Why an event's envelope or `data` does not fit its schema.
///
/// Errors name the field and what is wrong with it, never the value: a care event's data may
/// hold personal data, and errors end up in logs and terminals.
public struct EventDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field, as a path: `data.stage`, `data.to[2]`, `at`, `meta.actor`.
    public var field: String
    /// What is wrong.
    public var problem: Problem

    /// What can be wrong with a field.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// A required field is absent.
        case missing
        /// A key the schema does not know.
        case unknown
        /// A value of the wrong JSON kind.
        case wrongKind(expected: String, found: String)
        /// Not an id of 1–64 characters from `[A-Za-z0-9._:-]`.
        case invalidIdentifier
        /// An event id that is empty, longer than 128 bytes or holds control characters.
        case invalidEventID
        /// Text that is empty or longer than the limit.
        case invalidText(maximumBytes: Int)
        /// A name outside the field's vocabulary.
        case notInVocabulary([String])
        /// An integer outside the field's range.
        case outOfRange(ClosedRange<Int64>)
        /// A list longer than the limit.
        case tooMany(maximum: Int)
        /// A type name that is not one of the domain's event types.
        case unknownEventType
        /// A stream that is not `<category>-<id>` of the event's entity.
        case streamMismatch(category: String, keyField: String)
        /// A time that is not RFC 3339.
        case invalidTime(String)
        /// A stored payload that does not decode with its schema.
        case corruptPayload(schemaVersion: UInt16)
        /// A schema version this catalog has no schema or upcaster for.
        case unknownSchemaVersion(UInt16)

        public var description: String {
            switch self {
            case .missing: "is required"
            case .unknown: "is not a field of this event type"
            case .wrongKind(let expected, let found): "must be \(expected), found \(found)"
            case .invalidIdentifier: "must be an id of 1–64 characters from A–Z a–z 0–9 . _ : -"
            case .invalidEventID: "must be 1–128 bytes without control characters"
            case .invalidText(let maximum): "must be non-empty text of at most \(maximum) bytes"
            case .notInVocabulary(let names): "must be one of \(names.joined(separator: ", "))"
            case .outOfRange(let range): "must be an integer from \(range.lowerBound) to \(range.upperBound)"
            case .tooMany(let maximum): "has more than \(maximum) entries"
            case .unknownEventType: "is not an event type of this domain"
            case .streamMismatch(let category, let keyField): "must be the stream of the event's entity, \(category)-<data.\(keyField)>"
            case .invalidTime(let reason): "is not an RFC 3339 time: \(reason)"
            case .corruptPayload(let version): "stored payload does not decode with schema version \(version)"
            case .unknownSchemaVersion(let version): "has schema version \(version), which this catalog does not know"
            }
        }
    }

    /// Creates an error for `field`.
    public init(field: String, problem: Problem) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
}

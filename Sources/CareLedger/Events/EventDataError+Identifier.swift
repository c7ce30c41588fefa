extension EventDataError.Problem {
    /// A stable identifier of the kind of problem, for programs and test fixtures:
    /// `missing`, `unknown-field`, `wrong-kind`, `invalid-identifier`, `invalid-event-id`,
    /// `invalid-text`, `not-in-vocabulary`, `out-of-range`, `too-many`, `unknown-event-type`,
    /// `stream-mismatch`, `invalid-time`, `corrupt-payload`, `unknown-schema-version`.
    public var identifier: String {
        switch self {
        case .missing: "missing"
        case .unknown: "unknown-field"
        case .wrongKind: "wrong-kind"
        case .invalidIdentifier: "invalid-identifier"
        case .invalidEventID: "invalid-event-id"
        case .invalidText: "invalid-text"
        case .notInVocabulary: "not-in-vocabulary"
        case .outOfRange: "out-of-range"
        case .tooMany: "too-many"
        case .unknownEventType: "unknown-event-type"
        case .streamMismatch: "stream-mismatch"
        case .invalidTime: "invalid-time"
        case .corruptPayload: "corrupt-payload"
        case .unknownSchemaVersion: "unknown-schema-version"
        }
    }
}

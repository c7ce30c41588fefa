public import Ledger

/// RFC 3339 text for ledger timestamps; see ``RFC3339`` for the exact rules.
extension Timestamp {
    /// Parses RFC 3339 text such as `2025-03-04T10:15:00Z` or `2025-03-04T12:15:00.5+02:00`.
    ///
    /// - Throws: ``RFC3339Error`` naming the column and the reason, never the text.
    /// - Complexity: O(1).
    public init(rfc3339 text: String) throws(RFC3339Error) {
        self = try RFC3339.parse(text)
    }

    /// The timestamp in UTC as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, or `nil` outside years
    /// 0000–9999. O(1).
    public var rfc3339: String? { RFC3339.format(self) }
}

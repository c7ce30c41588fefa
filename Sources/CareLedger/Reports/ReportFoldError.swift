/// A stored event a report cannot fold: its payload does not hold the fields of its type's
/// current schema. Names the report, the position and the type — never the payload.
public struct ReportFoldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The report's projection name.
    public var report: String
    /// The event's log position.
    public var position: UInt64
    /// The event's type name.
    public var eventType: String

    /// Creates an error for the event at `position`.
    public init(report: String, position: UInt64, eventType: String) {
        self.report = report
        self.position = position
        self.eventType = eventType
    }

    /// What failed and where, in words.
    public var description: String {
        "\(report): \(eventType) at position \(position) has a payload that does not match its schema"
    }
}

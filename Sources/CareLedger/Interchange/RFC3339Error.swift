/// Text that is not an RFC 3339 timestamp this library accepts: where, and why.
///
/// Like ``JSONParseError`` it names a position and a reason and never the text itself.
public struct RFC3339Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the text is not a timestamp.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The text ended early.
        case unexpectedEnd
        /// A digit was expected.
        case expectedDigit
        /// A `-` between year, month and day was expected.
        case expectedDateSeparator
        /// A `T` (or `t`) between date and time was expected.
        case expectedTimeDesignator
        /// A `:` between hour, minute and second was expected.
        case expectedTimeSeparator
        /// A time zone was expected: `Z`, `z`, `+HH:MM` or `-HH:MM`.
        case expectedTimeZone
        /// The fraction of a second has more than 9 digits.
        case tooManyFractionDigits
        /// The month is not 01–12.
        case monthOutOfRange
        /// The day is 00 or after the month's last day (e.g. February 30, or February 29 in a
        /// common year).
        case dayOutOfRange
        /// The hour is not 00–23 (RFC 3339 has no hour 24).
        case hourOutOfRange
        /// The minute is not 00–59.
        case minuteOutOfRange
        /// The second is 60: a leap second, which ``Ledger/Timestamp`` (like Unix time) cannot
        /// represent.
        case leapSecond
        /// The second is above 60.
        case secondOutOfRange
        /// The offset's hours are not 00–23 or its minutes not 00–59.
        case offsetOutOfRange
        /// Characters follow the time zone.
        case trailingCharacters

        /// The reason in words.
        public var description: String {
            switch self {
            case .unexpectedEnd: "text ends early"
            case .expectedDigit: "expected a digit"
            case .expectedDateSeparator: "expected '-'"
            case .expectedTimeDesignator: "expected 'T' between date and time"
            case .expectedTimeSeparator: "expected ':'"
            case .expectedTimeZone: "expected 'Z' or an offset such as +02:00"
            case .tooManyFractionDigits: "more than 9 fractional digits"
            case .monthOutOfRange: "month out of range"
            case .dayOutOfRange: "day out of range for the month"
            case .hourOutOfRange: "hour out of range"
            case .minuteOutOfRange: "minute out of range"
            case .leapSecond: "leap second (:60) not supported"
            case .secondOutOfRange: "second out of range"
            case .offsetOutOfRange: "time zone offset out of range"
            case .trailingCharacters: "unexpected characters after the time zone"
            }
        }
    }

    /// The byte column, from 1, of the first offending byte (one past the end when the text
    /// ended early; the field's first digit for a value out of range).
    public var column: Int
    /// Why the text is not a timestamp.
    public var reason: Reason

    /// Creates an error.
    public init(column: Int, reason: Reason) {
        self.column = column
        self.reason = reason
    }

    /// Position and reason, e.g. `invalid RFC 3339 timestamp at column 9: day out of range for the month`.
    public var description: String { "invalid RFC 3339 timestamp at column \(column): \(reason)" }
}

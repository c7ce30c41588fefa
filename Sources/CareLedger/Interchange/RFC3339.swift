public import Ledger

/// RFC 3339 timestamps (`2025-03-04T10:15:00Z`), to and from ``Ledger/Timestamp``.
///
/// **Parsing** accepts exactly RFC 3339's `date-time` (section 5.6):
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with
/// - `T` and `Z` in either case (`t`, `z`), as RFC 3339 allows; no space instead of `T`;
/// - a fraction of 1 to 9 digits. Digits past the sixth (sub-microsecond) are **truncated**:
///   the result is the latest microsecond at or before the written instant, so a time never
///   rounds up into the next second, day or year;
/// - an offset `+HH:MM` or `-HH:MM` (hours 00–23, minutes 00–59), subtracted to give UTC;
///   `-00:00` ("offset unknown") is read as UTC;
/// - real calendar dates only, in the proleptic Gregorian calendar (no February 30, no
///   February 29 in a common year, no month 13, no hour 24);
/// - **no leap seconds**: a second of 60 is refused (``RFC3339Error/Reason/leapSecond``) rather
///   than folded into the next second, because ``Ledger/Timestamp`` counts Unix time, which has
///   no leap seconds, and a silently moved event time would be hard to audit.
///
/// **Formatting** writes UTC as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`: uppercase `T` and `Z`, and a
/// fraction only when the microseconds are not zero, without trailing zeros (`.5`, `.000001`).
/// `parse(format(t)) == t` for every formattable `t`, and `format(parse(s))` is the canonical
/// form of `s`.
public enum RFC3339 {
    /// The earliest formattable timestamp: `0000-01-01T00:00:00Z`.
    public static let earliestFormattable = Timestamp(rawValue: -62_167_219_200_000_000)
    /// The latest formattable timestamp: `9999-12-31T23:59:59.999999Z`.
    public static let latestFormattable = Timestamp(rawValue: 253_402_300_799_999_999)

    /// Parses RFC 3339 text into the microsecond it names (truncating a finer fraction).
    ///
    /// The result may fall up to a day outside ``earliestFormattable`` …
    /// ``latestFormattable`` when an offset moves a date at the ends of years 0000 or 9999;
    /// such timestamps parse but do not format.
    ///
    /// - Throws: ``RFC3339Error`` with the column and the reason of the first problem.
    /// - Complexity: O(1): at most 35 bytes are read.
    public static func parse(_ text: String) throws(RFC3339Error) -> Timestamp {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(RFC3339Error) in try parse(UnsafeRawBufferPointer(utf8)) }
        }.get()
    }

    /// Parses RFC 3339 text given as UTF-8 bytes; see ``parse(_:)-(String)``.
    ///
    /// - Throws: ``RFC3339Error``.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RFC3339Error) -> Timestamp {
        var scanner = Scanner(bytes: bytes)
        let year = try scanner.number(digits: 4)
        try scanner.expect(UInt8(ascii: "-"), else: .expectedDateSeparator)
        let month = try scanner.number(digits: 2, in: 1 ... 12, else: .monthOutOfRange)
        try scanner.expect(UInt8(ascii: "-"), else: .expectedDateSeparator)
        let day = try scanner.number(digits: 2, in: 1 ... CivilDate.daysInMonth(month, year: year), else: .dayOutOfRange)
        try scanner.expect(UInt8(ascii: "T"), orLowercase: true, else: .expectedTimeDesignator)
        let hour = try scanner.number(digits: 2, in: 0 ... 23, else: .hourOutOfRange)
        try scanner.expect(UInt8(ascii: ":"), else: .expectedTimeSeparator)
        let minute = try scanner.number(digits: 2, in: 0 ... 59, else: .minuteOutOfRange)
        try scanner.expect(UInt8(ascii: ":"), else: .expectedTimeSeparator)
        let secondColumn = scanner.index
        let second = try scanner.number(digits: 2)
        if second == 60 { throw scanner.failure(.leapSecond, at: secondColumn) }
        if second > 60 { throw scanner.failure(.secondOutOfRange, at: secondColumn) }
        let microseconds = try scanner.fraction()
        let offsetSeconds = try scanner.offset()
        guard scanner.isAtEnd else { throw scanner.failure(.trailingCharacters, at: scanner.index) }

        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offsetSeconds
        return Timestamp(rawValue: seconds * 1_000_000 + microseconds)
    }

    /// Formats `timestamp` in UTC as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
    ///
    /// - Returns: the text, or `nil` when the timestamp is outside ``earliestFormattable`` …
    ///   ``latestFormattable`` (RFC 3339 has four-digit years only).
    /// - Complexity: O(1).
    public static func format(_ timestamp: Timestamp) -> String? {
        guard timestamp >= earliestFormattable, timestamp <= latestFormattable else { return nil }
        let microsecondsPerDay: Int64 = 86_400_000_000
        var days = timestamp.rawValue / microsecondsPerDay
        var microsecondOfDay = timestamp.rawValue % microsecondsPerDay
        if microsecondOfDay < 0 {  // floor division, for times before 1970
            days -= 1
            microsecondOfDay += microsecondsPerDay
        }
        let date = CivilDate(daysSinceEpoch: days)
        let secondOfDay = microsecondOfDay / 1_000_000
        var fraction = microsecondOfDay % 1_000_000

        var text: [UInt8] = []
        text.reserveCapacity(27)
        func append(_ value: Int64, digits: Int) {
            var divisor: Int64 = 1
            for _ in 1 ..< digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        append(date.year, digits: 4)
        text.append(UInt8(ascii: "-"))
        append(date.month, digits: 2)
        text.append(UInt8(ascii: "-"))
        append(date.day, digits: 2)
        text.append(UInt8(ascii: "T"))
        append(secondOfDay / 3_600, digits: 2)
        text.append(UInt8(ascii: ":"))
        append(secondOfDay / 60 % 60, digits: 2)
        text.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, digits: 2)
        if fraction != 0 {
            var digits = 6
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            text.append(UInt8(ascii: "."))
            append(fraction, digits: digits)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }
}

extension RFC3339 {
    /// Reads the fields of a timestamp left to right.
    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        func failure(_ reason: RFC3339Error.Reason, at offset: Int) -> RFC3339Error {
            RFC3339Error(column: offset + 1, reason: reason)
        }

        /// The decimal digit at `index`, if there is one.
        func digit() -> Int64? {
            guard index < bytes.count else { return nil }
            let value = bytes[index] &- UInt8(ascii: "0")
            return value < 10 ? Int64(value) : nil
        }

        mutating func number(digits count: Int) throws(RFC3339Error) -> Int64 {
            var value: Int64 = 0
            for _ in 0 ..< count {
                guard index < bytes.count else { throw failure(.unexpectedEnd, at: index) }
                guard let digit = digit() else { throw failure(.expectedDigit, at: index) }
                value = value * 10 + digit
                index += 1
            }
            return value
        }

        /// A field of `count` digits that must lie in `range`.
        mutating func number(digits count: Int, in range: ClosedRange<Int64>, else reason: RFC3339Error.Reason) throws(RFC3339Error) -> Int64 {
            let start = index
            let value = try number(digits: count)
            guard range.contains(value) else { throw failure(reason, at: start) }
            return value
        }

        mutating func expect(_ byte: UInt8, orLowercase: Bool = false, else reason: RFC3339Error.Reason) throws(RFC3339Error) {
            guard index < bytes.count else { throw failure(.unexpectedEnd, at: index) }
            let found = orLowercase ? bytes[index] & ~0x20 : bytes[index]
            guard found == byte else { throw failure(reason, at: index) }
            index += 1
        }

        /// `(.digit{1,9})?` as microseconds, truncating digits past the sixth.
        mutating func fraction() throws(RFC3339Error) -> Int64 {
            guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return 0 }
            index += 1
            var microseconds: Int64 = 0
            var count = 0
            while let digit = digit() {
                count += 1
                if count > 9 { throw failure(.tooManyFractionDigits, at: index) }
                if count <= 6 { microseconds = microseconds * 10 + digit }
                index += 1
            }
            if count == 0 {
                throw failure(isAtEnd ? .unexpectedEnd : .expectedDigit, at: index)
            }
            for _ in min(count, 6) ..< 6 { microseconds *= 10 }
            return microseconds
        }

        /// `Z` or `±HH:MM`, as seconds east of UTC.
        mutating func offset() throws(RFC3339Error) -> Int64 {
            guard index < bytes.count else { throw failure(.unexpectedEnd, at: index) }
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
                return 0
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                let hours = try number(digits: 2, in: 0 ... 23, else: .offsetOutOfRange)
                try expect(UInt8(ascii: ":"), else: .expectedTimeSeparator)
                let minutes = try number(digits: 2, in: 0 ... 59, else: .offsetOutOfRange)
                return sign * (hours * 3_600 + minutes * 60)
            default:
                throw failure(.expectedTimeZone, at: index)
            }
        }
    }
}

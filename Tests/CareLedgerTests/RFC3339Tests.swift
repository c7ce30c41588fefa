@testable import CareLedger
import Foundation
import Ledger
import Testing

@Suite("RFC 3339 timestamps: strict parsing, canonical formatting, exact round trips")
struct RFC3339Tests {
    /// Text and the microseconds since the epoch it names (computed independently, with Python's
    /// `datetime`).
    static let valid: [(String, Int64)] = [
        ("2025-03-04T10:15:00Z", 1_741_083_300_000_000),
        ("2025-03-04t10:15:00z", 1_741_083_300_000_000),
        ("2025-03-04T12:15:00+02:00", 1_741_083_300_000_000),
        ("2025-03-04T04:45:00-05:30", 1_741_083_300_000_000),
        ("2025-03-04T10:15:00-00:00", 1_741_083_300_000_000),
        ("2025-03-04T10:15:00+00:00", 1_741_083_300_000_000),
        ("2025-03-04T10:15:00.5Z", 1_741_083_300_500_000),
        ("2025-03-04T10:15:00.000001Z", 1_741_083_300_000_001),
        ("2025-03-04T10:15:00.123456789Z", 1_741_083_300_123_456),  // truncated, not rounded
        ("2025-03-04T10:15:00.999999999Z", 1_741_083_300_999_999),
        ("2025-03-04T23:59:59-23:59", 1_741_219_139_000_000),
        ("2025-01-01T00:30:00+01:00", 1_735_687_800_000_000),  // the previous year in UTC
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T00:00:00.0000009Z", 0),
        ("1969-12-31T23:59:59.999999Z", -1),
        ("1969-12-31T23:59:59.9999999Z", -1),  // truncation moves earlier, also before 1970
        ("1969-07-20T20:17:40Z", -14_182_940_000_000),
        ("1900-01-01T00:00:00Z", -2_208_988_800_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000_000),
        ("2000-02-29T00:00:00Z", 951_782_400_000_000),
        ("2200-01-01T00:00:00Z", 7_258_118_400_000_000),
        ("0000-01-01T00:00:00Z", -62_167_219_200_000_000),
        ("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
    ]

    @Test("Valid timestamps parse to the microsecond they name", arguments: valid)
    func parsesValid(text: String, microseconds: Int64) throws {
        #expect(try Timestamp(rfc3339: text) == Timestamp(rawValue: microseconds))
        let fromBytes = try Array(text.utf8).withUnsafeBytes { try RFC3339.parse($0) }
        #expect(fromBytes.rawValue == microseconds)
    }

    static let invalid: [(String, RFC3339Error.Reason, Int)] = [
        ("", .unexpectedEnd, 1),
        ("2025-03-04", .unexpectedEnd, 11),
        ("2025-03-04T10:15:00", .unexpectedEnd, 20),
        ("2025-03-04T10:15:00.", .unexpectedEnd, 21),
        ("2025-03-04T10:15:00+02:0", .unexpectedEnd, 25),
        ("25-03-04T10:15:00Z", .expectedDigit, 3),
        ("2025-3-04T10:15:00Z", .expectedDigit, 7),
        ("+2025-03-04T10:15:00Z", .expectedDigit, 1),
        ("２０２５-03-04T10:15:00Z", .expectedDigit, 1),
        ("2025-03-04T10:15:00.Z", .expectedDigit, 21),
        ("2025-03-04T10:15:00+2:00", .expectedDigit, 22),
        ("2025/03/04T10:15:00Z", .expectedDateSeparator, 5),
        ("2025-03-04 10:15:00Z", .expectedTimeDesignator, 11),
        ("2025-03-04_10:15:00Z", .expectedTimeDesignator, 11),
        ("2025-03-04T10:15Z", .expectedTimeSeparator, 17),
        ("2025-03-04T10.15.00Z", .expectedTimeSeparator, 14),
        ("2025-03-04T10:15:00+0200", .expectedTimeSeparator, 23),
        ("2025-03-04T10:15:00", .unexpectedEnd, 20),
        ("2025-03-04T10:15:00UTC", .expectedTimeZone, 20),
        ("2025-03-04T10:15:00,5Z", .expectedTimeZone, 20),
        ("2025-03-04T10:15:00.1234567890Z", .tooManyFractionDigits, 30),
        ("2025-00-01T00:00:00Z", .monthOutOfRange, 6),
        ("2025-13-01T00:00:00Z", .monthOutOfRange, 6),
        ("2025-01-00T00:00:00Z", .dayOutOfRange, 9),
        ("2025-01-32T00:00:00Z", .dayOutOfRange, 9),
        ("2025-02-30T00:00:00Z", .dayOutOfRange, 9),
        ("2025-02-29T00:00:00Z", .dayOutOfRange, 9),  // not a leap year
        ("1900-02-29T00:00:00Z", .dayOutOfRange, 9),  // divisible by 100, not by 400
        ("2025-04-31T00:00:00Z", .dayOutOfRange, 9),
        ("2025-03-04T24:00:00Z", .hourOutOfRange, 12),
        ("2025-03-04T10:60:00Z", .minuteOutOfRange, 15),
        ("2016-12-31T23:59:60Z", .leapSecond, 18),
        ("2025-03-04T10:15:61Z", .secondOutOfRange, 18),
        ("2025-03-04T10:15:99Z", .secondOutOfRange, 18),
        ("2025-03-04T10:15:00+24:00", .offsetOutOfRange, 21),
        ("2025-03-04T10:15:00+02:60", .offsetOutOfRange, 24),
        ("2025-03-04T10:15:00Zjunk", .trailingCharacters, 21),
        ("2025-03-04T10:15:00Z ", .trailingCharacters, 21),
        (" 2025-03-04T10:15:00Z", .expectedDigit, 1),
    ]

    @Test("Invalid timestamps fail with the exact reason and column", arguments: invalid)
    func rejectsInvalid(text: String, reason: RFC3339Error.Reason, column: Int) {
        #expect(throws: RFC3339Error(column: column, reason: reason)) { try Timestamp(rfc3339: text) }
    }

    static let formatted: [(Int64, String?)] = [
        (0, "1970-01-01T00:00:00Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (1, "1970-01-01T00:00:00.000001Z"),
        (500_000, "1970-01-01T00:00:00.5Z"),
        (120_000, "1970-01-01T00:00:00.12Z"),
        (-1_000_000, "1969-12-31T23:59:59Z"),
        (1_741_083_300_000_000, "2025-03-04T10:15:00Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00Z"),
        (-62_167_219_200_000_000, "0000-01-01T00:00:00Z"),
        (253_402_300_799_999_999, "9999-12-31T23:59:59.999999Z"),
        (-62_167_219_200_000_001, nil),
        (253_402_300_800_000_000, nil),
        (.min, nil),
        (.max, nil),
    ]

    @Test("Formatting is UTC with a trimmed fraction only when needed", arguments: formatted)
    func formats(microseconds: Int64, expected: String?) {
        #expect(Timestamp(rawValue: microseconds).rfc3339 == expected)
    }

    @Test("Property: random microseconds from 1900 to 2200 format and parse back exactly")
    func roundTrips() throws {
        var rng = SplitMix64(seed: 1900_2200)
        let range: ClosedRange<Int64> = -2_208_988_800_000_000 ... 7_258_118_400_000_000
        for index in 0 ..< 20_000 {
            var microseconds = Int64.random(in: range, using: &rng)
            // Some whole seconds, so the fraction-free form is covered too.
            if index.isMultiple(of: 4) { microseconds -= microseconds % 1_000_000 }
            let timestamp = Timestamp(rawValue: microseconds)
            let text = try #require(timestamp.rfc3339)
            #expect(try Timestamp(rfc3339: text) == timestamp, "\(text)")

            // The same instant written with a random offset names the same microsecond.
            let offsetMinutes = Int64.random(in: -(23 * 60 + 59) ... (23 * 60 + 59), using: &rng)
            let local = try #require(Timestamp(rawValue: microseconds + offsetMinutes * 60_000_000).rfc3339)
            let sign = offsetMinutes < 0 ? "-" : "+"
            let offset = sign + String(format: "%02d:%02d", abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
            #expect(try Timestamp(rfc3339: String(local.dropLast()) + offset) == timestamp, "\(local) \(offset)")

            // The calendar fields agree with the C library's gmtime_r.
            if index.isMultiple(of: 10) {
                var seconds = time_t(microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000)
                var fields = tm()
                #expect(gmtime_r(&seconds, &fields) != nil)
                let expected = String(
                    format: "%04d-%02d-%02dT%02d:%02d:%02d",
                    fields.tm_year + 1900, fields.tm_mon + 1, fields.tm_mday, fields.tm_hour, fields.tm_min, fields.tm_sec)
                #expect(text.hasPrefix(expected), "\(text) vs \(expected)")
            }
        }
    }

    @Test("Every day from year 0000 to 9999 converts to a date and back, one day after the other")
    func civilCalendar() {
        let first = CivilDate(year: 0, month: 1, day: 1).daysSinceEpoch
        let last = CivilDate(year: 9999, month: 12, day: 31).daysSinceEpoch
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        var previous = CivilDate(daysSinceEpoch: first)
        #expect(previous == CivilDate(year: 0, month: 1, day: 1))
        var failures = 0
        for days in first + 1 ... last {
            let date = CivilDate(daysSinceEpoch: days)
            let isNext = if previous.day < CivilDate.daysInMonth(previous.month, year: previous.year) {
                date == CivilDate(year: previous.year, month: previous.month, day: previous.day + 1)
            } else if previous.month < 12 {
                date == CivilDate(year: previous.year, month: previous.month + 1, day: 1)
            } else {
                date == CivilDate(year: previous.year + 1, month: 1, day: 1)
            }
            if !isNext || date.daysSinceEpoch != days { failures += 1 }
            previous = date
        }
        #expect(failures == 0)
        #expect(previous == CivilDate(year: 9999, month: 12, day: 31))
    }

    @Test("Formatting a parsed timestamp gives the canonical UTC form")
    func canonicalForm() throws {
        let cases = [
            ("2025-03-04t12:15:00.500+02:00", "2025-03-04T10:15:00.5Z"),
            ("2025-03-04T10:15:00.000000Z", "2025-03-04T10:15:00Z"),
            ("2025-03-04T10:15:00.1234567Z", "2025-03-04T10:15:00.123456Z"),
            ("2025-01-01T00:30:00+01:00", "2024-12-31T23:30:00Z"),
        ]
        for (text, canonical) in cases {
            #expect(try Timestamp(rfc3339: text).rfc3339 == canonical)
        }
        // An offset can move year 0000 before the formattable range: it parses, but does not format.
        let early = try Timestamp(rfc3339: "0000-01-01T00:00:00+01:00")
        #expect(early < RFC3339.earliestFormattable)
        #expect(early.rfc3339 == nil)
    }
}

/// Numbers: the JSON grammar, and exact `Int64` values for integer literals.
extension JSONParser {
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private func digit(at offset: Int) -> Bool { offset < bytes.count && Self.isDigit(bytes[offset]) }

    private mutating func skipDigits() {
        while digit(at: index) { index += 1 }
    }

    /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`; an integer literal that fits in
    /// `Int64` (other than `-0`) becomes ``JSONValue/integer(_:)``.
    mutating func parseNumber() throws(Failure) -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard digit(at: index) else { throw Failure(.invalidNumber, at: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if digit(at: index) { throw Failure(.invalidNumber, at: index) }  // leading zero
        } else {
            skipDigits()
        }
        let integerEnd = index
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard digit(at: index) else { throw Failure(.invalidNumber, at: index) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digit(at: index) else { throw Failure(.invalidNumber, at: index) }
            skipDigits()
        }
        if isInteger, let value = exactInteger(digits: (negative ? start + 1 : start) ..< integerEnd, negative: negative) {
            return .integer(value)
        }
        let literal = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< index]), as: UTF8.self)
        return .number(JSONNumber(uncheckedLiteral: literal))
    }

    /// The value of the decimal digits in `range`, or `nil` when it does not fit in `Int64` or
    /// is negative zero (which ``JSONValue/integer(_:)`` cannot tell from zero).
    private func exactInteger(digits range: Range<Int>, negative: Bool) -> Int64? {
        var value: Int64 = 0
        for offset in range {
            let digit = Int64(bytes[offset] &- UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            // Accumulate negative values downwards so that Int64.min is reachable.
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
        }
        if negative, value == 0 { return nil }
        return value
    }
}

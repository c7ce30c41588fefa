/// A line of JSON that could not be read: where, and why.
///
/// The error names the line, the column and the reason, and never any of the line's content:
/// an event line may hold personal data, and errors end up in logs. The column is enough to
/// find the place in the file with an editor or `cut -b`.
///
/// ```swift
/// catch let error as JSONParseError where error.reason == .duplicateKey { … }
/// ```
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why a line could not be read.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The line is empty or holds only whitespace; every line must hold one value.
        case blankLine
        /// The line is longer than the limit, in bytes (not counting its line terminator).
        case lineTooLong(limit: Int)
        /// The bytes at the column are not well-formed UTF-8 (a stray continuation byte, an
        /// overlong or truncated sequence, an encoded surrogate, or a value above U+10FFFF).
        case invalidUTF8
        /// The line ended inside a value.
        case unexpectedEnd
        /// A value was expected (after `[`, `,`, `:` or at the start of the line).
        case expectedValue
        /// `true`, `false` or `null` was misspelled.
        case invalidLiteral
        /// A number is not JSON: a leading `+` or `.`, leading zeros, a missing digit after `-`,
        /// `.` or the exponent, or `NaN` / `Infinity`.
        case invalidNumber
        /// A member name (a string) was expected in an object.
        case expectedKey
        /// A `:` was expected after a member name.
        case expectedColon
        /// A `,` or `}` was expected after a member.
        case expectedCommaOrEndOfObject
        /// A `,` or `]` was expected after an element.
        case expectedCommaOrEndOfArray
        /// A string holds a raw control character (U+0000–U+001F); it must be escaped.
        case controlCharacterInString
        /// A backslash is followed by a character that is not a JSON escape.
        case invalidEscape
        /// A `\u` escape is not followed by four hexadecimal digits.
        case invalidUnicodeEscape
        /// A `\u` escape names half of a surrogate pair without its other half.
        case loneSurrogate
        /// An object has two members with the same name (column: the second name).
        case duplicateKey
        /// Arrays and objects are nested deeper than the limit (column: the first bracket too deep).
        case nestingTooDeep(limit: Int)
        /// Something other than whitespace follows the line's value.
        case trailingCharacters

        /// The reason in words, e.g. `"duplicate key in object"`.
        public var description: String {
            switch self {
            case .blankLine: "blank line (expected one JSON value)"
            case .lineTooLong(let limit): "line longer than \(limit) bytes"
            case .invalidUTF8: "invalid UTF-8"
            case .unexpectedEnd: "line ends inside a value"
            case .expectedValue: "expected a value"
            case .invalidLiteral: "invalid literal (expected true, false or null)"
            case .invalidNumber: "invalid number"
            case .expectedKey: "expected a string key"
            case .expectedColon: "expected ':' after key"
            case .expectedCommaOrEndOfObject: "expected ',' or '}'"
            case .expectedCommaOrEndOfArray: "expected ',' or ']'"
            case .controlCharacterInString: "unescaped control character in string"
            case .invalidEscape: "invalid escape in string"
            case .invalidUnicodeEscape: "invalid \\u escape (expected four hex digits)"
            case .loneSurrogate: "lone UTF-16 surrogate in \\u escape"
            case .duplicateKey: "duplicate key in object"
            case .nestingTooDeep(let limit): "nesting deeper than \(limit) levels"
            case .trailingCharacters: "unexpected characters after the value"
            }
        }
    }

    /// The line, from 1. A single document parsed on its own is line 1 unless the caller says
    /// otherwise.
    public var line: Int
    /// The byte column, from 1: the byte offset within the line plus one. It points at the first
    /// offending byte, or one past the last byte of the line when the line ended too early.
    public var column: Int
    /// Why the line could not be read.
    public var reason: Reason

    /// The byte offset within the line, from 0: ``column`` minus one.
    public var byteOffset: Int { column - 1 }

    /// Creates an error.
    public init(line: Int, column: Int, reason: Reason) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// Position and reason, e.g. `line 12, column 40: duplicate key in object`; never content.
    public var description: String { "line \(line), column \(column): \(reason)" }
}

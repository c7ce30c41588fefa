/// A JSON value, as read from or written to one line of a JSON Lines file.
///
/// `JSONValue` is the interchange layer's own small model of JSON (RFC 8259), independent of
/// Foundation. It keeps what an import must be able to check and an export must reproduce:
///
/// - objects keep their members in document order (``JSONObject``), and a parsed object never
///   has two members with the same key;
/// - integers are exact 64-bit values (``integer(_:)``); every other number keeps the literal
///   text it was written with (``number(_:)``), so nothing is lost to binary floating point;
/// - strings are Swift strings, so always valid Unicode.
///
/// Each JSON text has exactly one `JSONValue`: a number literal that is an integer in the range
/// of `Int64` (and not `-0`) is always ``integer(_:)``, and ``JSONNumber`` refuses such literals.
/// So serializing a value and parsing the result gives back an equal value
/// (`try JSONValue(parsing: value.serialized()) == value`).
///
/// Equality is structural and follows the text: objects are equal when they have equal members
/// in the same order, `1.0` and `1.00` are different numbers, and strings compare as Swift
/// strings do (by canonical equivalence, so `"é"` precomposed equals `"e\u{301}"`).
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number literal without fraction or exponent whose value fits in `Int64`, e.g. `-42`.
    case integer(Int64)
    /// Any other number literal (`1.5`, `1e3`, `-0`, `18446744073709551616`), kept as written.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, with its members in document order.
    case object(JSONObject)

    /// The kind of a value, for error messages that must not show the value itself.
    public enum Kind: String, Sendable, Hashable, CustomStringConvertible {
        /// `null`.
        case null
        /// `true` or `false`.
        case bool
        /// An exact integer.
        case integer
        /// A number that is not an exact integer.
        case number
        /// A string.
        case string
        /// An array.
        case array
        /// An object.
        case object

        /// The kind's name with an article, e.g. `"an object"`, for messages such as
        /// "expected a string, found an object".
        public var description: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .integer: "an integer"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    /// What kind of value this is. O(1).
    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .integer: .integer
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// The string, if this is a string; otherwise `nil`. O(1).
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The integer, if this is an exact integer; otherwise `nil` (also for `1.0` or `1e2`). O(1).
    public var integerValue: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The value as a `Double`, if this is an integer or a number; otherwise `nil`.
    ///
    /// Integers beyond 2⁵³ and most decimal fractions are rounded to the nearest `Double`;
    /// literals beyond its range give ±infinity. O(length of the literal).
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let number): number.doubleValue
        default: nil
        }
    }

    /// The boolean, if this is `true` or `false`; otherwise `nil`. O(1).
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The elements, if this is an array; otherwise `nil`. O(1).
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The object, if this is an object; otherwise `nil`. O(1).
    public var objectValue: JSONObject? {
        if case .object(let value) = self { value } else { nil }
    }

    /// Whether this is `null`. O(1).
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The value of the member named `key`, if this is an object that has one; otherwise `nil`.
    ///
    /// O(number of members): see ``JSONObject/subscript(_:)``.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }
}

/// Literals for building values in code:
///
/// ```swift
/// let event: JSONValue = ["id": "ev-1", "data": ["score": 4, "tags": ["a", "b"]], "meta": nil]
/// ```
///
/// Dictionary literals keep their order; float literals become ``JSONValue/number(_:)``.
extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }

    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// An exact integer.
    public init(integerLiteral value: Int64) { self = .integer(value) }

    /// A number, written as Swift writes the `Double` (see ``JSONNumber/init(_:)``).
    ///
    /// - Precondition: the literal is finite.
    public init(floatLiteral value: Double) {
        guard let number = JSONNumber(value) else { preconditionFailure("JSON has no infinite numbers") }
        self = .number(number)
    }

    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }

    /// An array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// An object, keeping the literal's order.
    ///
    /// - Precondition: the keys are unique.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(uniqueKeysWithValues: elements))
    }
}

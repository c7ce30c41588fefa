/// A JSON number that is not an exact 64-bit integer, kept as its literal text.
///
/// A parser that turned `0.1` or `12345678901234567890` into a `Double` would change it; this
/// type keeps the literal, checked against the JSON grammar, and converts only on request
/// (``doubleValue``). Integers that fit in `Int64` are never a `JSONNumber`: they are
/// ``JSONValue/integer(_:)``, so that every JSON text has one `JSONValue`.
///
/// Two numbers are equal when their literals are equal: `1.0` and `1.00` differ.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal, exactly as written, e.g. `"-1.5e3"`; always valid JSON number syntax.
    public let literal: String

    /// Creates a number from a JSON number literal.
    ///
    /// Returns `nil` when `literal` is not a JSON number (`"+1"`, `"01"`, `"NaN"`, `"1."`,
    /// surrounding spaces), and when it is an integer that fits in `Int64` and is not `-0`: use
    /// ``JSONValue/integer(_:)`` for those. O(length of the literal).
    public init?(literal: String) {
        // The parser allows whitespace around a value; a literal has none.
        guard case .number(let number)? = try? JSONValue(parsing: literal), number.literal.utf8.count == literal.utf8.count else {
            return nil
        }
        self = number
    }

    /// Creates a number from a finite `Double`, written as Swift writes it (the shortest literal
    /// that reads back as the same `Double`, e.g. `0.1`, `5.0` or `1e-07`).
    ///
    /// Returns `nil` for infinities and NaN, which JSON cannot express.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.init(literal: value.description)
    }

    /// Wraps a literal the parser has already checked.
    init(uncheckedLiteral literal: String) {
        self.literal = literal
    }

    /// The nearest `Double`; ±infinity for literals beyond its range. O(length of the literal).
    public var doubleValue: Double {
        // The literal is valid JSON, which is a subset of what `Double.init?(_:)` reads.
        Double(literal) ?? .nan
    }

    /// The literal.
    public var description: String { literal }
}

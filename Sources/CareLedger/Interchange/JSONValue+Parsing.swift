/// Parsing one JSON text (one line of a JSON Lines file).
///
/// The parser is strict RFC 8259 plus the limits of ``JSONLimits``: the whole input must be
/// well-formed UTF-8 and hold exactly one value with optional whitespace around it; objects must
/// not repeat a key; no byte order mark, comments, trailing commas, `NaN` or single quotes.
/// Failures are ``JSONParseError``s naming the line, the byte column and the reason.
extension JSONValue {
    /// Parses `bytes` as one JSON value.
    ///
    /// - Parameters:
    ///   - bytes: The value's UTF-8 text, without a line terminator (though `\n` and `\r` are
    ///     accepted as whitespace).
    ///   - line: The line number to put in errors.
    ///   - limits: The longest input and deepest nesting accepted.
    /// - Throws: ``JSONParseError`` for the first problem: the length, then UTF-8 anywhere in the
    ///   input, then syntax from left to right.
    /// - Complexity: O(n) time in the input's length; memory for the value plus one copy of the
    ///   longest string that has escapes. Nothing in `bytes` is retained.
    public init(parsing bytes: UnsafeRawBufferPointer, line: Int = 1, limits: JSONLimits = JSONLimits()) throws(JSONParseError) {
        self = try JSONParser.parse(bytes, line: line, limits: limits)
    }

    /// Parses `bytes` as one JSON value; see ``init(parsing:line:limits:)-(UnsafeRawBufferPointer,_,_)``.
    ///
    /// - Throws: ``JSONParseError``.
    public init(parsing bytes: [UInt8], line: Int = 1, limits: JSONLimits = JSONLimits()) throws(JSONParseError) {
        // `withUnsafeBytes` is `rethrows`, so the typed error travels in a `Result`.
        self = try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer, line: line, limits: limits) }
        }.get()
    }

    /// Parses the UTF-8 of `text` as one JSON value; see
    /// ``init(parsing:line:limits:)-(UnsafeRawBufferPointer,_,_)``.
    ///
    /// - Throws: ``JSONParseError``.
    public init(parsing text: String, line: Int = 1, limits: JSONLimits = JSONLimits()) throws(JSONParseError) {
        var text = text
        self = try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in
                try JSONParser.parse(UnsafeRawBufferPointer(buffer), line: line, limits: limits)
            }
        }.get()
    }
}

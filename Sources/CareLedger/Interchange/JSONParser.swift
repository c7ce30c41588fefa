/// A recursive-descent JSON parser over one line's bytes.
///
/// Used only through ``JSONParser/parse(_:line:limits:)``, which checks the line's length and
/// UTF-8 first, so the parser may copy any non-ASCII byte inside a string as it is. It recurses
/// once per array or object level, bounded by ``JSONLimits/maximumDepth``.
struct JSONParser {
    /// A failure at a byte offset; ``parse(_:line:limits:)`` turns it into a ``JSONParseError``.
    struct Failure: Error {
        var reason: JSONParseError.Reason
        var offset: Int
        init(_ reason: JSONParseError.Reason, at offset: Int) {
            self.reason = reason
            self.offset = offset
        }
    }

    /// Objects with more members than this check for duplicate keys with a set instead of a scan.
    static let linearKeyCheckLimit = 16

    let bytes: UnsafeRawBufferPointer
    let maximumDepth: Int
    var index = 0
    var depth = 0
    /// Reused for strings with escapes.
    var scratch: [UInt8] = []

    /// Parses `bytes` as one complete JSON value, surrounded by optional whitespace.
    ///
    /// Checks, in order: the length, UTF-8 (the whole line), that the line is not blank, the
    /// value's syntax, and that nothing follows it. The first failure is thrown.
    static func parse(_ bytes: UnsafeRawBufferPointer, line: Int, limits: JSONLimits) throws(JSONParseError) -> JSONValue {
        limits.checkPreconditions()
        guard bytes.count <= limits.maximumLineLength else {
            throw JSONParseError(
                line: line, column: limits.maximumLineLength + 1,
                reason: .lineTooLong(limit: limits.maximumLineLength))
        }
        if let offset = UTF8Validation.firstInvalidOffset(in: bytes) {
            throw JSONParseError(line: line, column: offset + 1, reason: .invalidUTF8)
        }
        var parser = JSONParser(bytes: bytes, maximumDepth: limits.maximumDepth)
        do throws(Failure) {
            parser.skipWhitespace()
            guard parser.index < bytes.count else { throw Failure(.blankLine, at: 0) }
            let value = try parser.parseValue()
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw Failure(.trailingCharacters, at: parser.index) }
            return value
        } catch {
            throw JSONParseError(line: line, column: error.offset + 1, reason: error.reason)
        }
    }

    private init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    // MARK: Values

    mutating func parseValue() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            return try parseNumber()
        case UInt8(ascii: "+"), UInt8(ascii: "."):
            throw Failure(.invalidNumber, at: index)
        case UInt8(ascii: "N") where hasPrefix("NaN"), UInt8(ascii: "I") where hasPrefix("Infinity"):
            throw Failure(.invalidNumber, at: index)
        default:
            throw Failure(.expectedValue, at: index)
        }
    }

    private func hasPrefix(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return (0 ..< count).allSatisfy { bytes[index + $0] == literal.utf8Start[$0] }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        guard hasPrefix(literal) else { throw Failure(.invalidLiteral, at: index) }
        index += literal.utf8CodeUnitCount
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    // MARK: Containers

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= maximumDepth else { throw Failure(.nestingTooDeep(limit: maximumDepth), at: index) }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try enter()
        index += 1  // {
        var keys: [String] = []
        var values: [JSONValue] = []
        var keySet: Set<String>? = nil
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw Failure(.expectedKey, at: index) }
            let keyOffset = index
            let key = try parseString()
            if keySet == nil, keys.count >= Self.linearKeyCheckLimit { keySet = Set(keys) }
            let isDuplicate = if keySet != nil { !keySet!.insert(key).inserted } else { keys.contains(key) }
            if isDuplicate { throw Failure(.duplicateKey, at: keyOffset) }
            skipWhitespace()
            guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
            guard bytes[index] == UInt8(ascii: ":") else { throw Failure(.expectedColon, at: index) }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            keys.append(key)
            values.append(value)
            skipWhitespace()
            guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(JSONObject(uncheckedKeys: keys, values: values))
            default:
                throw Failure(.expectedCommaOrEndOfObject, at: index)
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try enter()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default:
                throw Failure(.expectedCommaOrEndOfArray, at: index)
            }
        }
    }
}
